// The Bodhi identity this deployment creates bodhi_update updates with, read from the
// environment. Without BODHI_CLIENT_ID the deployment creates no updates (those steps end
// in error saying so); an id without its secret is refused at start, not at the first update.
import type { EnvReader } from '@packflow/core';

export interface BodhiSettings {
  /** `https://bodhi.fedoraproject.org`. */
  url: string;
  oidc: { tokenUrl: string; clientId: string; clientSecret: string };
}

export function readBodhiSettings(r: EnvReader): BodhiSettings | undefined {
  const url = r.url('BODHI_URL', 'https://bodhi.fedoraproject.org', ['https', 'http'])!;
  const tokenUrl = r.url('BODHI_OIDC_TOKEN_URL', 'https://id.fedoraproject.org/openidc/Token', ['https', 'http'])!;
  const clientSecret = r.secret('BODHI_CLIENT_SECRET');
  const clientId = r.checked('BODHI_CLIENT_ID', () =>
    clientSecret ? undefined : 'needs BODHI_CLIENT_SECRET (the OIDC client credentials come as a pair)',
  );
  if (!clientId || !clientSecret) return undefined;
  return { url, oidc: { tokenUrl, clientId, clientSecret } };
}
