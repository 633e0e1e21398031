// A GitHub App identity: the app id and private key sign a JWT (through
// @octokit/auth-app), which finds the installation of a repository and exchanges it for an
// installation token. Tokens are kept per installation until a few minutes before they
// expire; concurrent callers share one request.
import { createAppAuth } from '@octokit/auth-app';
import type { Octokit } from '@octokit/rest';
import { fullName, type RepoId } from '../forge.types.js';
import { githubError, isOctokitError } from './github-errors.js';

export interface GithubAppIdentity {
  appId: number | string;
  /** PEM (PKCS#1 or PKCS#8); `\n` escapes are accepted as line breaks. */
  privateKey: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

export interface InstallationToken {
  token: string;
  installationId: number;
  /** Came from the cache (a 401 on it is worth one fresh token). */
  cached: boolean;
}

export class GithubAppTokens {
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly tokens = new Map<number, CachedToken>();
  private readonly pendingTokens = new Map<number, Promise<CachedToken>>();
  private readonly installations = new Map<string, number>();
  private readonly pendingInstallations = new Map<string, Promise<number>>();
  /** Installation tokens requested from GitHub so far (for tests and metrics). */
  tokenRequests = 0;

  constructor(
    identity: GithubAppIdentity,
    octokit: Octokit,
    private readonly refreshBeforeMs: number,
    private readonly now: () => number,
  ) {
    this.auth = createAppAuth({
      appId: identity.appId,
      privateKey: identity.privateKey,
      request: octokit.request,
      log: { warn: () => undefined },
    });
  }

  /** The installation serving a repository (from the event, the cache, or GitHub). */
  async installationId(repo: RepoId, octokit: Octokit): Promise<number> {
    if (repo.installationId !== undefined) return repo.installationId;
    const key = fullName(repo).toLowerCase();
    const known = this.installations.get(key);
    if (known !== undefined) return known;
    let pending = this.pendingInstallations.get(key);
    if (!pending) {
      pending = (async () => {
        const what = `find the GitHub App installation of ${fullName(repo)}`;
        try {
          const jwt = await this.auth({ type: 'app' });
          const { data } = await octokit.rest.apps.getRepoInstallation({
            owner: repo.namespace,
            repo: repo.repo,
            headers: { authorization: `bearer ${jwt.token}` },
          });
          this.installations.set(key, data.id);
          return data.id;
        } catch (error) {
          throw githubError(error, what, []);
        }
      })().finally(() => this.pendingInstallations.delete(key));
      this.pendingInstallations.set(key, pending);
    }
    return pending;
  }

  /** A valid installation token, requesting a new one when none is cached or it expires soon. */
  async token(installationId: number): Promise<InstallationToken> {
    const cached = this.tokens.get(installationId);
    if (cached && this.now() < cached.expiresAt - this.refreshBeforeMs)
      return { token: cached.token, installationId, cached: true };
    let pending = this.pendingTokens.get(installationId);
    if (!pending) {
      pending = (async () => {
        this.tokenRequests += 1;
        try {
          const auth = await this.auth({ type: 'installation', installationId, refresh: true });
          const fresh = { token: auth.token, expiresAt: Date.parse(auth.expiresAt) };
          this.tokens.set(installationId, fresh);
          return fresh;
        } catch (error) {
          if (isOctokitError(error) && [401, 403, 404].includes(error.status ?? 0))
            this.forgetInstallation(installationId);
          throw githubError(error, `get an installation token for installation ${installationId}`, []);
        }
      })().finally(() => this.pendingTokens.delete(installationId));
      this.pendingTokens.set(installationId, pending);
    }
    const fresh = await pending;
    return { token: fresh.token, installationId, cached: false };
  }

  /** Drops a token GitHub refused (revoked, or the installation changed). */
  invalidate(installationId: number, token: string): void {
    if (this.tokens.get(installationId)?.token === token) this.tokens.delete(installationId);
  }

  private forgetInstallation(installationId: number): void {
    for (const [key, id] of this.installations) if (id === installationId) this.installations.delete(key);
  }
}
