// Local git work trees for dist-git work (CentOS Stream syncs, Fedora propose_downstream):
// one directory per step attempt (named by its idempotency key, so a retry of the same work
// finds its own tree), cloned from the forge with the identity's token in the URL for
// http(s) remotes (git's errors redact it; the work tree's origin is left without it),
// as-is for file:// remotes (the fake GitLab's and Pagure's repositories).
import { createHash } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GitRepository } from '../git/git.repository.js';

export class GitWorkspace {
  constructor(
    private readonly root: string,
    private readonly token: string,
    /** The user name git sends with the token (`oauth2` for GitLab; the token's user for Pagure). */
    private readonly tokenUser = 'oauth2',
  ) {}

  /** The directory of the work of one step attempt. */
  dirFor(idempotencyKey: string): string {
    return join(this.root, createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 24));
  }

  /** A URL git can fetch from and push to with the identity's token. */
  remote(url: string): string {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return url;
    u.username = this.tokenUser;
    u.password = this.token;
    return u.toString();
  }

  /** A fresh clone of one branch, with the tags (source-git's `upstream_ref` is usually one). */
  async clone(url: string, dir: string, branch: string): Promise<GitRepository> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const repo = await GitRepository.clone(this.remote(url), dir, { branch });
    // The token stays out of the work tree's configuration: origin is the plain URL.
    await repo.run(['remote', 'set-url', 'origin', url]);
    await repo.run(['fetch', '--quiet', '--tags', this.remote(url), '+refs/tags/*:refs/tags/*']);
    return repo;
  }

  /** The repository in `dir`, when a previous run left one there. */
  async existing(dir: string): Promise<GitRepository | undefined> {
    try {
      await stat(join(dir, '.git'));
      return await GitRepository.open(dir);
    } catch {
      return undefined;
    }
  }

  async remove(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}
