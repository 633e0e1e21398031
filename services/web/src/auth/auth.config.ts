// Sign-in settings of the web service, read once from the environment: the OAuth apps on
// GitHub and GitLab (each optional), the public URL their callbacks are registered at,
// the session cookie's Secure flag and the session's lifetime.
import { ConfigurationError, type EnvReader } from '@packflow/core';
import type { OAuthAppSettings } from '@packflow/forges';

export interface WebAuthConfig {
  /** The dashboard's public origin (WEB_PUBLIC_URL); the OAuth callbacks are under it. */
  publicUrl?: string;
  /** The session cookie is `Secure` (WEB_COOKIE_SECURE; off only for an http://localhost public URL). */
  cookieSecure: boolean;
  sessionTtlMs: number;
  oauth: { github?: OAuthAppSettings; gitlab?: OAuthAppSettings };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function readWebAuthConfig(r: EnvReader): WebAuthConfig {
  const publicUrl = r.url('WEB_PUBLIC_URL', undefined, ['http', 'https']);
  const origin = (url: string) => new URL(url).origin;
  const app = (prefix: 'GITHUB' | 'GITLAB', webUrl: string, apiUrl: string): OAuthAppSettings | undefined => {
    const clientId = r.optional(`${prefix}_OAUTH_CLIENT_ID`);
    const clientSecret = r.secret(`${prefix}_OAUTH_CLIENT_SECRET`);
    if (!clientId && !clientSecret) return undefined;
    if (!clientId || !clientSecret)
      throw new ConfigurationError(
        `${prefix}_OAUTH_CLIENT_ID and ${prefix}_OAUTH_CLIENT_SECRET are set together (only one of them is set)`,
      );
    return { clientId, clientSecret, webUrl: origin(webUrl), apiUrl };
  };
  const gitlabUrl = r.url('GITLAB_URL', 'https://gitlab.com', ['http', 'https'])!;
  const oauth = {
    github: app(
      'GITHUB',
      r.url('GITHUB_INSTANCE_URL', 'https://github.com', ['http', 'https'])!,
      r.url('GITHUB_API_URL', 'https://api.github.com', ['http', 'https'])!,
    ),
    gitlab: app('GITLAB', r.url('GITLAB_INSTANCE_URL', gitlabUrl, ['http', 'https'])!, gitlabUrl),
  };
  const cookieSecure = r.bool('WEB_COOKIE_SECURE', true);
  const config = {
    publicUrl: publicUrl ? origin(publicUrl) : undefined,
    cookieSecure,
    sessionTtlMs: r.int('WEB_SESSION_TTL_SECONDS', 12 * 3600, { min: 1 }) * 1000,
    oauth,
  };
  if ((oauth.github || oauth.gitlab) && !config.publicUrl)
    throw new ConfigurationError(
      'WEB_PUBLIC_URL is needed with an OAuth app (GITHUB_OAUTH_CLIENT_ID, GITLAB_OAUTH_CLIENT_ID): ' +
        'its callback is <WEB_PUBLIC_URL>/api/v1/auth/<forge>/callback',
    );
  if (!cookieSecure) {
    const url = config.publicUrl ? new URL(config.publicUrl) : undefined;
    if (!url || url.protocol !== 'http:' || !LOCAL_HOSTS.has(url.hostname))
      throw new ConfigurationError(
        'WEB_COOKIE_SECURE=false is only for local development: WEB_PUBLIC_URL must then be http://localhost, ' +
          'http://127.0.0.1 or http://[::1]',
      );
  }
  return config;
}
