import { describe, expect, it } from '@jest/globals';
import { ConfigCache } from './config.cache.js';
import { loadConfig } from './config.loader.js';

const text = (targets: string) => `specfile_path: widget.spec
downstream_package_name: widget
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${targets}]
`;

describe('ConfigCache', () => {
  it('answers what loadConfig answers, and the same text again with the same result', () => {
    const cache = new ConfigCache();
    const first = cache.load(text('fedora-41-x86_64'), '.packit.yaml');
    expect(first).toEqual(loadConfig(text('fedora-41-x86_64'), '.packit.yaml'));
    expect(cache.load(text('fedora-41-x86_64'), '.packit.yaml')).toBe(first);
    expect(cache.load(text('fedora-42-x86_64'), '.packit.yaml')).not.toBe(first);
  });

  it('keeps a text read under another file name apart (diagnostics name the file)', () => {
    const cache = new ConfigCache();
    const bad = 'jobs: 3\n';
    expect(cache.load(bad, '.packit.yaml').diagnostics[0].file).toBe('.packit.yaml');
    expect(cache.load(bad, 'packit.yaml').diagnostics[0].file).toBe('packit.yaml');
  });

  it('hands out frozen results: a caller cannot change what the next one gets', () => {
    const cache = new ConfigCache();
    const { config } = cache.load(text('fedora-41-x86_64'), '.packit.yaml');
    expect(() => config!.jobs[0].targets!.push({ value: 'x' } as never)).toThrow(TypeError);
    expect(() => ((config!.jobs[0] as { type: string }).type = 'tests')).toThrow(TypeError);
  });

  it('forgets the least recently used text beyond its size', () => {
    const cache = new ConfigCache({}, 2);
    const a = cache.load(text('a'), '.packit.yaml');
    const b = cache.load(text('b'), '.packit.yaml');
    expect(cache.load(text('a'), '.packit.yaml')).toBe(a); // a is now the most recent
    cache.load(text('c'), '.packit.yaml'); // evicts b
    expect(cache.load(text('a'), '.packit.yaml')).toBe(a);
    expect(cache.load(text('b'), '.packit.yaml')).not.toBe(b);
  });
});
