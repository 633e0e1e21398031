// Koji settings from the environment: none without a hub, a certificate login, the web UI
// derived from the hub, and a keytab passed on for the client to refuse by name.
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, EnvReader } from '@packflow/core';
import { KojiClient } from '@packflow/clients';
import { readKojiSettings } from './koji.settings.js';

const read = (env: Record<string, string>) => {
  const r = new EnvReader(env);
  return r.done({ koji: readKojiSettings(r) }).koji;
};

describe('readKojiSettings', () => {
  it('is undefined without KOJI_HUB_URL', () => {
    expect(read({ KOJI_CERT: '/etc/packflow/koji.pem' })).toBeUndefined();
  });

  it('reads a certificate login and derives the web UI from the hub', () => {
    expect(
      read({ KOJI_HUB_URL: 'https://koji.fedoraproject.org/kojihub', KOJI_CERT: '/etc/packflow/koji.pem' }),
    ).toEqual({
      hubUrl: 'https://koji.fedoraproject.org/kojihub',
      webUrl: 'https://koji.fedoraproject.org/koji',
      auth: { kind: 'certificate', certPath: '/etc/packflow/koji.pem', keyPath: undefined },
      serverCaPath: undefined,
    });
  });

  it('passes a keytab on, and the Koji client refuses it as not supported yet', () => {
    const settings = read({
      KOJI_HUB_URL: 'https://koji.example/kojihub',
      KOJI_KEYTAB: '/etc/krb5.keytab',
      KOJI_PRINCIPAL: 'packit@EXAMPLE',
    })!;
    expect(() => new KojiClient(settings)).toThrow(ConfigurationError);
    expect(() => new KojiClient(settings)).toThrow(/keytab \(packit@EXAMPLE\) is not supported yet/);
  });

  it('names a hub URL that is not one', () => {
    expect(() => read({ KOJI_HUB_URL: 'koji' })).toThrow(/KOJI_HUB_URL/);
  });
});
