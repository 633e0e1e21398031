// GitLab's OAuth 2.0 provider (Doorkeeper), as the fake GitLab answers it (docs.gitlab.com,
// "OAuth 2.0 identity provider API"): GET /oauth/authorize needs response_type=code and a
// redirect_uri equal to the registered one (else an error page, no redirect), then
// redirects with `code` and `state`; POST /oauth/token with grant_type=authorization_code
// answers `{access_token, token_type: "Bearer", expires_in, refresh_token, scope,
// created_at}`, 401 `invalid_client` for a wrong client or secret, 400 `invalid_grant` for
// a wrong, used or expired code or a different redirect_uri; GET /api/v4/user answers the
// token's person, 401 `{"message":"401 Unauthorized"}` otherwise.
import type { FakeRequest, FakeResponse } from '@packflow/testing';
import { formOf, withParams, type FakeOAuthProvider, type RouteFn } from '../fake-oauth.provider.js';

const INVALID_CLIENT = {
  error: 'invalid_client',
  error_description:
    'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
};
const INVALID_GRANT = {
  error: 'invalid_grant',
  error_description:
    'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
};

export function installGitlabOAuth(
  route: RouteFn,
  oauth: FakeOAuthProvider,
  user: (username: string) => Record<string, unknown>,
): void {
  route('GET', '/oauth/authorize', (r) => authorize(r, oauth));
  route('POST', '/oauth/token', (r) => token(r, oauth));
  route('GET', '/api/v4/user', (r) => {
    const login = oauth.userOf(r.headers.authorization);
    return login ? { status: 200, json: user(login) } : { status: 401, json: { message: '401 Unauthorized' } };
  });
}

function page(status: number, text: string): FakeResponse {
  return { status, text, contentType: 'text/html; charset=utf-8' };
}

function authorize(r: FakeRequest, oauth: FakeOAuthProvider): FakeResponse {
  const app = oauth.app(r.query.get('client_id'));
  const redirectUri = r.query.get('redirect_uri');
  if (!app) return page(401, 'An error has occurred: Client authentication failed due to unknown client.');
  if (redirectUri !== app.callbackUrl)
    return page(400, 'An error has occurred: The redirect URI included is not valid.');
  const state = r.query.get('state');
  if (r.query.get('response_type') !== 'code') {
    const location = withParams(redirectUri, {
      error: 'unsupported_response_type',
      error_description: 'The authorization server does not support this response type.',
      state,
    });
    return { status: 302, headers: { location } };
  }
  if (!oauth.browserUser) return { status: 302, headers: { location: '/users/sign_in' } };
  const code = oauth.issueCode(app.clientId, redirectUri, oauth.browserUser);
  return { status: 302, headers: { location: withParams(redirectUri, { code, state }) } };
}

function token(r: FakeRequest, oauth: FakeOAuthProvider): FakeResponse {
  const form = formOf(r.rawBody, r.body, r.query);
  if (form.get('grant_type') !== 'authorization_code')
    return {
      status: 400,
      json: {
        error: 'unsupported_grant_type',
        error_description: 'The authorization grant type is not supported by the authorization server.',
      },
    };
  const result = oauth.exchange({
    clientId: form.get('client_id'),
    clientSecret: form.get('client_secret'),
    code: form.get('code'),
    redirectUri: form.get('redirect_uri'),
    redirectUriRequired: true,
  });
  if ('refused' in result)
    return result.refused === 'client' ? { status: 401, json: INVALID_CLIENT } : { status: 400, json: INVALID_GRANT };
  return {
    status: 200,
    json: {
      access_token: result.token,
      token_type: 'Bearer',
      expires_in: 7200,
      refresh_token: `r${result.token}`,
      scope: 'read_user',
      created_at: Math.floor(Date.now() / 1000),
    },
  };
}
