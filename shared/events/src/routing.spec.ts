import { describe, expect, it } from '@jest/globals';
import { checkRoutingRules, createRouter, DEFAULT_ROUTING_RULES } from './routing.js';

describe('routing', () => {
  const router = createRouter();

  it('sends gitlab.com namespaces under redhat/centos-stream/ to stream by default', () => {
    expect(router.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'redhat/centos-stream/rpms' })).toBe(
      'stream',
    );
    expect(router.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'redhat/centos-stream/src/deep' })).toBe(
      'stream',
    );
  });

  it('sends everything else to upstream by default', () => {
    expect(router.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'redhat/centos-streamx' })).toBe(
      'upstream',
    );
    expect(router.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'fedora/src' })).toBe('upstream');
    expect(
      router.ecosystemOf({ instanceUrl: 'https://gitlab.example.com', namespace: 'redhat/centos-stream/rpms' }),
    ).toBe('upstream');
    expect(router.ecosystemOf({ instanceUrl: 'https://github.com', namespace: 'packit' })).toBe('upstream');
  });

  it('checks rules in order, first match wins, with * inside one segment and ** across segments', () => {
    const custom = createRouter([
      { instance: 'https://gitlab.com', namespace: 'packit-service/src', ecosystem: 'upstream' },
      { instance: 'gitlab.com', namespace: 'packit-service/*', ecosystem: 'stream' },
      { namespace: '**/rpms', ecosystem: 'stream' },
    ]);
    expect(custom.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'packit-service/src' })).toBe('upstream');
    expect(custom.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'packit-service/rpms' })).toBe('stream');
    expect(custom.ecosystemOf({ instanceUrl: 'https://gitlab.com', namespace: 'packit-service/a/b' })).toBe('upstream');
    expect(custom.ecosystemOf({ instanceUrl: 'https://src.fedoraproject.org', namespace: 'rpms' })).toBe('stream');
    expect(custom.ecosystemOf({ instanceUrl: 'https://src.fedoraproject.org', namespace: 'a/b/rpms' })).toBe('stream');
  });

  it('treats pattern characters other than * literally', () => {
    const custom = createRouter([{ namespace: 'a.b/c+d', ecosystem: 'stream' }]);
    expect(custom.ecosystemOf({ instanceUrl: 'https://x', namespace: 'a.b/c+d' })).toBe('stream');
    expect(custom.ecosystemOf({ instanceUrl: 'https://x', namespace: 'axb/ccd' })).toBe('upstream');
  });

  it('validates rules from config', () => {
    expect(checkRoutingRules(DEFAULT_ROUTING_RULES)).toBeUndefined();
    expect(checkRoutingRules({})).toMatch(/JSON array/);
    expect(checkRoutingRules([{ ecosystem: 'downstream' }])).toMatch(
      /rule 0: ecosystem must be one of upstream, stream/,
    );
    expect(checkRoutingRules([{ ecosystem: 'stream', namespaces: 'x' }])).toMatch(/unknown key namespaces/);
    expect(checkRoutingRules([{ ecosystem: 'stream', instance: '' }])).toMatch(/instance/);
  });
});
