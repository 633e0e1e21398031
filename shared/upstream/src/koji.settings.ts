// The Koji hub this deployment builds upstream_koji_build jobs on, read from the environment.
// Without KOJI_HUB_URL the deployment runs no Koji builds (those steps end in error saying so).
import type { EnvReader } from '@packflow/core';
import type { KojiAuth } from '@packflow/clients';

export interface KojiSettings {
  /** `https://koji.fedoraproject.org/kojihub`. */
  hubUrl: string;
  /** Koji's web UI, for links to tasks. */
  webUrl: string;
  auth?: KojiAuth;
  serverCaPath?: string;
}

export function readKojiSettings(r: EnvReader): KojiSettings | undefined {
  const hubUrl = r.url('KOJI_HUB_URL', undefined, ['https', 'http']);
  if (!hubUrl) return undefined;
  const cert = r.optional('KOJI_CERT');
  const principal = r.optional('KOJI_PRINCIPAL');
  // One way to log in: a client certificate, or a keytab with the principal to log in as.
  const keytab = r.checked('KOJI_KEYTAB', () =>
    cert
      ? 'give a client certificate (KOJI_CERT) or a keytab, not both'
      : principal
        ? undefined
        : 'needs KOJI_PRINCIPAL, the principal to log in as',
  );
  const auth: KojiAuth | undefined = cert
    ? { kind: 'certificate', certPath: cert, keyPath: r.optional('KOJI_KEY') }
    : keytab && principal
      ? { kind: 'keytab', keytabPath: keytab, principal }
      : undefined;
  return {
    hubUrl,
    webUrl: r.url('KOJI_WEB_URL', hubUrl.replace(/\/kojihub\/?$/, '/koji'), ['https', 'http'])!,
    auth,
    serverCaPath: r.optional('KOJI_SERVER_CA'),
  };
}
