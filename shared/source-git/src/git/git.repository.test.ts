// The git layer on its own, against real repositories: opening (and refusing what is not
// a repository), clone/commit/push/fetch over a local bare repository, trailers, three-way
// merges, and errors that name the command without leaking credentials.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestRepo, useGitTestEnv } from '@packflow/testing';
import { GitRepository } from './git.repository.js';
import { GitCommandError, redactCredentials } from './git.runner.js';

const root = mkdtempSync(join(tmpdir(), 'packflow-git-repository-'));
beforeAll(() => useGitTestEnv());
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('GitRepository', () => {
  it('opens the top-level directory of a repository and refuses anything else', async () => {
    const repo = TestRepo.init(join(root, 'open'));
    repo.write('sub/file', 'x\n').commit('First');
    expect((await GitRepository.open(repo.dir)).dir).toBe(repo.dir);
    await expect(GitRepository.open(join(repo.dir, 'sub'))).rejects.toThrow(
      `${join(repo.dir, 'sub')} is inside the git repository ${repo.dir}; give its top-level directory`,
    );
    await expect(GitRepository.open(join(repo.dir, 'sub', 'file'))).rejects.toThrow('is not a directory');
    const empty = TestRepo.init(join(root, 'empty'));
    await expect((await GitRepository.open(empty.dir)).head()).rejects.toThrow(`${empty.dir} has no commits`);
  });

  it('clones, commits with a replayed author, pushes a branch and fetches it elsewhere', async () => {
    const origin = join(root, 'origin.git');
    mkdirSync(origin);
    new TestRepo(origin).git('init', '--quiet', '--bare', '-b', 'main');
    const seed = TestRepo.init(join(root, 'seed'));
    seed.write('a', 'a\n').commit('Seed');
    seed.git('push', '--quiet', origin, 'main');

    const work = await GitRepository.clone(origin, join(root, 'work'), { branch: 'main' });
    expect(await work.currentBranch()).toBe('main');
    await work.checkout('HEAD', { branch: 'sync' });
    writeFileSync(join(work.dir, 'b'), 'b\n');
    expect(await work.changedPaths()).toEqual(['b']);
    await work.add(['b']);
    const sha = await work.commitStaged('Add b\n\n# kept, not a comment\n', {
      author: { name: 'Pat Packager', email: 'pat@example.com', date: '1600000000 +0200' },
    });
    const info = await work.commit(sha);
    expect(info).toMatchObject({
      subject: 'Add b',
      message: 'Add b\n\n# kept, not a comment\n',
      author: { name: 'Pat Packager', email: 'pat@example.com', date: '1600000000 +0200' },
    });
    await work.push('origin', ['HEAD:refs/heads/sync']);

    const other = await GitRepository.clone(origin, join(root, 'other'));
    await other.fetch('origin', ['sync:refs/remotes/origin/sync']);
    expect(await other.resolveCommit('origin/sync')).toBe(sha);
    expect(await other.isAncestor(await other.head(), sha)).toBe(true);
    expect(await other.changedFiles(sha)).toEqual([{ status: 'A', path: 'b' }]);
  });

  it('adds and reads trailers as git does', async () => {
    const repo = TestRepo.init(join(root, 'trailers'));
    repo.write('a', 'a\n').commit('A');
    const git = await GitRepository.open(repo.dir);
    const message = await git.withTrailers('Subject\n\nBody.\n\nSigned-off-by: Ada <ada@example.com>', [
      ['From-dist-git-commit', 'abc123'],
    ]);
    expect(message).toBe('Subject\n\nBody.\n\nSigned-off-by: Ada <ada@example.com>\nFrom-dist-git-commit: abc123\n');
    await git.add(['a']);
    const sha = await git.commitStaged(message, { allowEmpty: true });
    expect(await git.trailerValues(sha, 'From-dist-git-commit')).toEqual(['abc123']);
    expect(await git.trailersOf(message)).toBe('Signed-off-by: Ada <ada@example.com>\nFrom-dist-git-commit: abc123\n');
  });

  it('merges one file three ways and counts conflicts', async () => {
    const repo = TestRepo.init(join(root, 'merge'));
    const git = await GitRepository.open(repo.dir);
    const base = Buffer.from('a\nb\nc\nd\ne\nf\ng\n');
    const clean = await git.mergeFile(Buffer.from('a\nb\nc\nd\ne\nf\nG\n'), base, Buffer.from('A\nb\nc\nd\ne\nf\ng\n'));
    expect(clean).toEqual({ content: Buffer.from('A\nb\nc\nd\ne\nf\nG\n'), conflicts: 0 });
    const conflict = await git.mergeFile(Buffer.from('x\nb\n'), Buffer.from('a\nb\n'), Buffer.from('y\nb\n'));
    expect(conflict.conflicts).toBe(1);
  });

  it("names the failed command and git's message, with credentials of URLs hidden", async () => {
    const repo = TestRepo.init(join(root, 'errors'));
    const git = await GitRepository.open(repo.dir);
    const error = await git.fetch('https://bot:s3cret-token@127.0.0.1:1/x.git').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as Error).message).toMatch(
      /^git fetch --quiet --end-of-options https:\/\/\*\*\*@127\.0\.0\.1:1\/x\.git \(in .*\) failed: /,
    );
    expect(JSON.stringify({ ...(error as object), message: (error as Error).message })).not.toContain('s3cret');
    expect(redactCredentials('see ssh://git:pw@host/x and https://host/y')).toBe(
      'see ssh://***@host/x and https://host/y',
    );
  });
});
