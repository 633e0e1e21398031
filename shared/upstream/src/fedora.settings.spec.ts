import { describe, expect, it } from '@jest/globals';
import { EnvReader } from '@packflow/core';
import { readBodhiSettings } from './fedora.settings.js';

describe('readBodhiSettings', () => {
  it('creates no updates without a client id', () => {
    expect(readBodhiSettings(new EnvReader({}))).toBeUndefined();
  });

  it("reads the OIDC client credentials with Fedora's Bodhi and identity provider as defaults", () => {
    const r = new EnvReader({ BODHI_CLIENT_ID: 'packflow', BODHI_CLIENT_SECRET: 's3cret' });
    expect(r.done({ bodhi: readBodhiSettings(r) }).bodhi).toEqual({
      url: 'https://bodhi.fedoraproject.org',
      oidc: { tokenUrl: 'https://id.fedoraproject.org/openidc/Token', clientId: 'packflow', clientSecret: 's3cret' },
    });
  });

  it('refuses a client id without its secret at start, naming the variable', () => {
    const r = new EnvReader({ BODHI_CLIENT_ID: 'packflow' });
    readBodhiSettings(r);
    expect(() => r.done({})).toThrow(/BODHI_CLIENT_ID: needs BODHI_CLIENT_SECRET/);
  });
});
