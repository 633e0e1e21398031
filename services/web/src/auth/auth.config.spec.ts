// The sign-in settings: an OAuth app needs its secret and the public URL of its callback,
// and the session cookie loses `Secure` only for a local http:// dashboard.
import { describe, expect, it } from '@jest/globals';
import { EnvReader } from '@packflow/core';
import { readWebAuthConfig } from './auth.config.js';

const read = (env: Record<string, string>) => readWebAuthConfig(new EnvReader(env));
const github = { GITHUB_OAUTH_CLIENT_ID: 'Iv1.x', GITHUB_OAUTH_CLIENT_SECRET: 'shh-secret' };

describe('readWebAuthConfig', () => {
  it('reads a GitHub OAuth app with its instance and API, Secure cookies and a 12 h session by default', () => {
    expect(read({ ...github, WEB_PUBLIC_URL: 'https://packflow.example.org/' })).toEqual({
      publicUrl: 'https://packflow.example.org',
      cookieSecure: true,
      sessionTtlMs: 12 * 3600 * 1000,
      oauth: {
        github: {
          clientId: 'Iv1.x',
          clientSecret: 'shh-secret',
          webUrl: 'https://github.com',
          apiUrl: 'https://api.github.com',
        },
        gitlab: undefined,
      },
    });
  });

  it('takes a self-managed GitLab from GITLAB_URL', () => {
    const config = read({
      GITLAB_OAUTH_CLIENT_ID: 'app',
      GITLAB_OAUTH_CLIENT_SECRET: 's',
      GITLAB_URL: 'https://gitlab.example.org',
      WEB_PUBLIC_URL: 'https://packflow.example.org',
    });
    expect(config.oauth.gitlab).toMatchObject({
      webUrl: 'https://gitlab.example.org',
      apiUrl: 'https://gitlab.example.org',
    });
  });

  it('refuses an OAuth app without WEB_PUBLIC_URL, or a client id without its secret (never echoing it)', () => {
    expect(() => read(github)).toThrow(/WEB_PUBLIC_URL is needed/);
    expect(() => read({ GITHUB_OAUTH_CLIENT_SECRET: 'shh-secret', WEB_PUBLIC_URL: 'https://p.example' })).toThrow(
      /GITHUB_OAUTH_CLIENT_ID and GITHUB_OAUTH_CLIENT_SECRET are set together/,
    );
    expect(() => read({ GITHUB_OAUTH_CLIENT_SECRET: 'shh-secret' })).not.toThrow(/shh-secret/);
  });

  it('turns Secure off only for an http://localhost dashboard', () => {
    expect(read({ WEB_COOKIE_SECURE: 'false', WEB_PUBLIC_URL: 'http://127.0.0.1:8081' }).cookieSecure).toBe(false);
    expect(read({ WEB_COOKIE_SECURE: 'false', WEB_PUBLIC_URL: 'http://localhost:8081' }).cookieSecure).toBe(false);
    expect(() => read({ WEB_COOKIE_SECURE: 'false', WEB_PUBLIC_URL: 'http://packflow.example.org' })).toThrow(
      /WEB_COOKIE_SECURE=false is only for local development/,
    );
    expect(() => read({ WEB_COOKIE_SECURE: 'false' })).toThrow(/WEB_COOKIE_SECURE=false/);
  });
});
