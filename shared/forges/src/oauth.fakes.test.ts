// The fake forges' OAuth endpoints refuse what the real ones refuse, driven through the
// real sign-in clients (GithubOAuth, GitlabOAuth): a wrong client secret, a wrong or used
// code, a redirect_uri other than the registered one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { GithubOAuth } from './github/github.oauth.js';
import { GitlabOAuth } from './gitlab/gitlab.oauth.js';
import { FakeGithub, FakeGitlab } from './testing.js';

const CALLBACK = 'http://127.0.0.1:9/api/v1/auth/callback';
let github: FakeGithub;
let gitlab: FakeGitlab;

beforeAll(async () => {
  github = await FakeGithub.start();
  gitlab = await FakeGitlab.start();
  github.oauth.registerApp({ clientId: 'gh-id', clientSecret: 'gh-secret', callbackUrl: CALLBACK });
  gitlab.oauth.registerApp({ clientId: 'gl-id', clientSecret: 'gl-secret', callbackUrl: CALLBACK });
  github.oauth.browserUser = 'octocat';
  gitlab.oauth.browserUser = 'tanuki';
});
afterAll(async () => {
  await github?.close();
  await gitlab?.close();
});

/** The browser at the authorize URL: where the forge sends it. */
async function authorize(url: string): Promise<{ status: number; location?: URL }> {
  const response = await fetch(url, { redirect: 'manual' });
  await response.text();
  const location = response.headers.get('location');
  return { status: response.status, location: location ? new URL(location, url) : undefined };
}

const flows = () =>
  [
    [
      'GitHub',
      new GithubOAuth({ clientId: 'gh-id', clientSecret: 'gh-secret', webUrl: github.url, apiUrl: github.url }),
      'octocat',
    ],
    [
      'GitLab',
      new GitlabOAuth({ clientId: 'gl-id', clientSecret: 'gl-secret', webUrl: gitlab.url, apiUrl: gitlab.url }),
      'tanuki',
    ],
  ] as const;

describe.each(['GitHub', 'GitLab'])('the fake %s OAuth provider', (name) => {
  const flow = () => flows().find((f) => f[0] === name)!;

  it('signs the browser person in once per code', async () => {
    const [, oauth, login] = flow();
    const back = await authorize(oauth.authorizeUrl({ redirectUri: CALLBACK, state: 's1' }));
    expect(back.status).toBe(302);
    expect(back.location!.searchParams.get('state')).toBe('s1');
    const code = back.location!.searchParams.get('code')!;
    expect(await oauth.signIn({ code, redirectUri: CALLBACK })).toMatchObject({ login });
    await expect(oauth.signIn({ code, redirectUri: CALLBACK })).rejects.toThrow(
      name === 'GitHub' ? /bad_verification_code/ : /invalid_grant/,
    );
    await expect(oauth.signIn({ code: 'made-up', redirectUri: CALLBACK })).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('refuses a wrong client secret', async () => {
    const [, oauth] = flow();
    const code = (
      await authorize(oauth.authorizeUrl({ redirectUri: CALLBACK, state: 's' }))
    ).location!.searchParams.get('code')!;
    const wrong =
      name === 'GitHub'
        ? new GithubOAuth({ clientId: 'gh-id', clientSecret: 'nope', webUrl: github.url, apiUrl: github.url })
        : new GitlabOAuth({ clientId: 'gl-id', clientSecret: 'nope', webUrl: gitlab.url, apiUrl: gitlab.url });
    await expect(wrong.signIn({ code, redirectUri: CALLBACK })).rejects.toThrow(
      name === 'GitHub' ? /incorrect_client_credentials/ : /invalid_client/,
    );
  });

  it('refuses a redirect_uri other than the registered one, at authorize and at the token exchange', async () => {
    const [, oauth] = flow();
    const elsewhere = 'http://127.0.0.1:9/elsewhere';
    const refused = await authorize(oauth.authorizeUrl({ redirectUri: elsewhere, state: 's' }));
    if (name === 'GitHub') {
      // GitHub sends the browser to the registered callback with the error instead.
      expect(refused.status).toBe(302);
      expect(`${refused.location!.origin}${refused.location!.pathname}`).toBe(CALLBACK);
      expect(refused.location!.searchParams.get('error')).toBe('redirect_uri_mismatch');
    } else {
      // GitLab shows an error page and redirects nowhere.
      expect(refused).toEqual({ status: 400, location: undefined });
    }
    const code = (
      await authorize(oauth.authorizeUrl({ redirectUri: CALLBACK, state: 's' }))
    ).location!.searchParams.get('code')!;
    await expect(oauth.signIn({ code, redirectUri: `${CALLBACK}/other` })).rejects.toThrow(
      name === 'GitHub' ? /redirect_uri_mismatch/ : /invalid_grant/,
    );
  });

  it('answers the user endpoint only with a token it issued', async () => {
    const path = name === 'GitHub' ? `${github.url}/user` : `${gitlab.url}/api/v4/user`;
    const response = await fetch(path, { headers: { authorization: 'Bearer not-issued' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(
      name === 'GitHub' ? expect.objectContaining({ message: 'Bad credentials' }) : { message: '401 Unauthorized' },
    );
  });
});
