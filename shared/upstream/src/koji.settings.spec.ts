// Koji settings from the environment: none without a hub, a certificate login, the web UI
// derived from the hub, a keytab login with its principal, and the refusals.
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

  it('reads a keytab login with the principal to log in as', () => {
    expect(
      read({
        KOJI_HUB_URL: 'https://koji.example/kojihub',
        KOJI_KEYTAB: '/etc/krb5.keytab',
        KOJI_PRINCIPAL: 'packit@EXAMPLE',
      })!.auth,
    ).toEqual({ kind: 'keytab', keytabPath: '/etc/krb5.keytab', principal: 'packit@EXAMPLE' });
  });

  it('refuses a keytab without its principal, and a keytab and a certificate both', () => {
    const hub = { KOJI_HUB_URL: 'https://koji.example/kojihub', KOJI_KEYTAB: '/etc/krb5.keytab' };
    expect(() => read(hub)).toThrow(ConfigurationError);
    expect(() => read(hub)).toThrow(/KOJI_KEYTAB: needs KOJI_PRINCIPAL, the principal to log in as/);
    expect(() => read({ ...hub, KOJI_PRINCIPAL: 'packit@EXAMPLE', KOJI_CERT: '/etc/packflow/koji.pem' })).toThrow(
      /KOJI_KEYTAB: give a client certificate \(KOJI_CERT\) or a keytab, not both/,
    );
  });

  it('gives the Koji client a keytab it cannot read as a configuration error naming it', () => {
    const settings = read({
      KOJI_HUB_URL: 'https://koji.example/kojihub',
      KOJI_KEYTAB: '/nonexistent/packit.keytab',
      KOJI_PRINCIPAL: 'packit@EXAMPLE',
    })!;
    expect(() => new KojiClient(settings)).toThrow(ConfigurationError);
    expect(() => new KojiClient(settings)).toThrow(/Koji keytab \/nonexistent\/packit\.keytab cannot be read/);
  });

  it('names a hub URL that is not one', () => {
    expect(() => read({ KOJI_HUB_URL: 'koji' })).toThrow(/KOJI_HUB_URL/);
  });
});
