// Downstream (Fedora dist-git) settings from the environment: none without a Pagure token,
// Fedora's endpoints by default, and every place configurable.
import { describe, expect, it } from '@jest/globals';
import { EnvReader } from '@packflow/core';
import { readDownstreamSettings } from './downstream.settings.js';
import { readForgeIdentities } from './forge/forge.registry.js';

// The Pagure identity is read once, with the forge identities, and handed over.
const read = (env: Record<string, string>) => {
  const r = new EnvReader(env);
  return r.done({ downstream: readDownstreamSettings(r, readForgeIdentities(r).pagure) }).downstream;
};

describe('readDownstreamSettings', () => {
  it('is undefined without PAGURE_TOKEN', () => {
    expect(read({ LOOKASIDE_CERT: '/etc/packflow/fedora.pem' })).toBeUndefined();
  });

  it("defaults to Fedora's dist-git, lookaside cache and release-monitoring.org", () => {
    expect(read({ PAGURE_TOKEN: 't0ken', LOOKASIDE_CERT: '/etc/packflow/fedora.pem' })).toMatchObject({
      gitUrl: 'https://src.fedoraproject.org',
      lookaside: {
        uploadUrl: 'https://src.fedoraproject.org/repo/pkgs/upload.cgi',
        certPath: '/etc/packflow/fedora.pem',
      },
      gitIdentity: { name: 'packflow', email: 'packflow@localhost' },
      releaseMonitoringUrl: 'https://release-monitoring.org',
    });
    expect(read({ PAGURE_TOKEN: 't', RELEASE_MONITORING_URL: 'http://127.0.0.1:9/' })).toMatchObject({
      releaseMonitoringUrl: 'http://127.0.0.1:9/',
    });
  });

  it('names a URL that is not one', () => {
    expect(() => read({ PAGURE_TOKEN: 't', LOOKASIDE_UPLOAD_URL: 'cache' })).toThrow(/LOOKASIDE_UPLOAD_URL/);
  });
});
