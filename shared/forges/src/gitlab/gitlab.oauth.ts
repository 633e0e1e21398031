// Signing people in with a GitLab application (authorization code flow): the browser goes
// to <gitlab>/oauth/authorize, comes back with a code, the code becomes a token at
// <gitlab>/oauth/token, and GET <gitlab>/api/v4/user says who it is. The `read_user`
// scope is enough for that.
import type { ForgeOAuth, SignedInUser, OAuthAppSettings } from '../forge.types.js';
import { exchangeCode, fetchUser } from '../oauth.request.js';

export class GitlabOAuth implements ForgeOAuth {
  readonly forge = 'gitlab' as const;

  constructor(private readonly app: Readonly<OAuthAppSettings>) {}

  authorizeUrl({ redirectUri, state }: { redirectUri: string; state: string }): string {
    const url = new URL('/oauth/authorize', this.app.webUrl);
    url.search = new URLSearchParams({
      client_id: this.app.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'read_user',
      state,
    }).toString();
    return url.toString();
  }

  async signIn({ code, redirectUri }: { code: string; redirectUri: string }): Promise<SignedInUser> {
    const token = await exchangeCode('GitLab', new URL('/oauth/token', this.app.webUrl).toString(), {
      client_id: this.app.clientId,
      client_secret: this.app.clientSecret,
      code,
      grant_type: 'authorization_code',
      redirect_uri: redirectUri,
    });
    const user = await fetchUser('GitLab', `${this.app.apiUrl.replace(/\/+$/, '')}/api/v4/user`, token);
    if (typeof user.username !== 'string') throw new Error('GitLab answered GET /api/v4/user without a username');
    return { login: user.username, id: String(user.id), name: typeof user.name === 'string' ? user.name : undefined };
  }
}
