// Signing people in with a GitHub OAuth app (the web application flow): the browser goes
// to <web>/login/oauth/authorize, comes back with a code, the code becomes a token at
// <web>/login/oauth/access_token, and GET <api>/user says who it is. No scope is asked:
// only the public profile is read.
import type { ForgeOAuth, SignedInUser, OAuthAppSettings } from '../forge.types.js';
import { exchangeCode, fetchUser } from '../oauth.request.js';

export class GithubOAuth implements ForgeOAuth {
  readonly forge = 'github' as const;

  constructor(private readonly app: Readonly<OAuthAppSettings>) {}

  authorizeUrl({ redirectUri, state }: { redirectUri: string; state: string }): string {
    const url = new URL('/login/oauth/authorize', this.app.webUrl);
    url.search = new URLSearchParams({
      client_id: this.app.clientId,
      redirect_uri: redirectUri,
      state,
      allow_signup: 'false',
    }).toString();
    return url.toString();
  }

  async signIn({ code, redirectUri }: { code: string; redirectUri: string }): Promise<SignedInUser> {
    const token = await exchangeCode('GitHub', new URL('/login/oauth/access_token', this.app.webUrl).toString(), {
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      code,
      redirect_uri: redirectUri,
    });
    const user = await fetchUser('GitHub', `${this.app.apiUrl.replace(/\/+$/, '')}/user`, token);
    if (typeof user.login !== 'string') throw new Error('GitHub answered GET /user without a login');
    return { login: user.login, id: String(user.id), name: typeof user.name === 'string' ? user.name : undefined };
  }
}
