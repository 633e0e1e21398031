// GitHub's OAuth app web flow, as the fake GitHub answers it (docs.github.com, "Authorizing
// OAuth apps" and "Troubleshooting OAuth app access token request errors"):
// GET /login/oauth/authorize redirects the browser's person back with `code` and `state`,
// or to the registered callback with `error=redirect_uri_mismatch` when redirect_uri is not
// under it; POST /login/oauth/access_token answers 200 with `{access_token, token_type,
// scope}` or 200 with `{error, error_description, error_uri}`; GET /user answers the
// token's person, 401 "Requires authentication" / "Bad credentials" otherwise.
import type { FakeRequest, FakeResponse } from '@packflow/testing';
import { formOf, withParams, type FakeOAuthProvider, type RouteFn } from '../fake-oauth.provider.js';

const TROUBLESHOOTING =
  'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

const REFUSALS = {
  client: ['incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.'],
  code: ['bad_verification_code', 'The code passed is incorrect or expired.'],
  redirect_uri: [
    'redirect_uri_mismatch',
    'The redirect_uri MUST match the registered callback URL for this application.',
  ],
} as const;

/** GitHub accepts a redirect_uri on the callback's host and port whose path is the callback's or below it. */
function underCallback(redirectUri: string, callbackUrl: string): boolean {
  try {
    const r = new URL(redirectUri);
    const c = new URL(callbackUrl);
    const base = c.pathname.replace(/\/+$/, '');
    return r.origin === c.origin && (r.pathname === c.pathname || r.pathname.startsWith(`${base}/`));
  } catch {
    return false;
  }
}

export function installGithubOAuth(
  route: RouteFn,
  oauth: FakeOAuthProvider,
  user: (login: string) => Record<string, unknown>,
): void {
  route('GET', '/login/oauth/authorize', (r) => authorize(r, oauth));
  route('POST', '/login/oauth/access_token', (r) => accessToken(r, oauth));
  route('GET', '/user', (r) => {
    if (!r.headers.authorization) return githubError(401, 'Requires authentication');
    const login = oauth.userOf(r.headers.authorization);
    return login ? { status: 200, json: user(login) } : githubError(401, 'Bad credentials');
  });
}

function githubError(status: number, message: string): FakeResponse {
  return { status, json: { message, documentation_url: 'https://docs.github.com/rest', status: String(status) } };
}

function authorize(r: FakeRequest, oauth: FakeOAuthProvider): FakeResponse {
  const app = oauth.app(r.query.get('client_id'));
  if (!app) return { status: 404, text: 'Not Found: no OAuth app has this client_id' };
  const state = r.query.get('state');
  const redirectUri = r.query.get('redirect_uri') ?? app.callbackUrl;
  if (!underCallback(redirectUri, app.callbackUrl)) {
    const [error, description] = REFUSALS.redirect_uri;
    const location = withParams(app.callbackUrl, {
      error,
      error_description: description,
      error_uri: `${TROUBLESHOOTING}#redirect-uri-mismatch`,
      state,
    });
    return { status: 302, headers: { location } };
  }
  if (!oauth.browserUser) return { status: 401, text: 'Sign in to GitHub to continue' };
  const code = oauth.issueCode(app.clientId, redirectUri, oauth.browserUser);
  return { status: 302, headers: { location: withParams(redirectUri, { code, state }) } };
}

function accessToken(r: FakeRequest, oauth: FakeOAuthProvider): FakeResponse {
  const form = formOf(r.rawBody, r.body, r.query);
  const result = oauth.exchange({
    clientId: form.get('client_id'),
    clientSecret: form.get('client_secret'),
    code: form.get('code'),
    redirectUri: form.get('redirect_uri'),
    redirectUriRequired: false,
  });
  const body =
    'token' in result
      ? { access_token: result.token, token_type: 'bearer', scope: '' }
      : {
          error: REFUSALS[result.refused][0],
          error_description: REFUSALS[result.refused][1],
          error_uri: TROUBLESHOOTING,
        };
  // GitHub answers JSON only when asked; form-encoded otherwise. Errors are 200 too.
  if (/application\/json/.test(String(r.headers.accept ?? ''))) return { status: 200, json: body };
  return {
    status: 200,
    text: new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString(),
    contentType: 'application/x-www-form-urlencoded; charset=utf-8',
  };
}
