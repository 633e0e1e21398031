// PagureForge against the fake Pagure with real git repositories: a fork made once, a
// branch pushed to it over file://, a pull request opened from it and updated by a second
// push, comments and flags (one flag per check name), permissions from users and groups,
// raw files and changed files, and the refusals (a bad token, another user's fork).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/base';
import { TestRepo } from '@packflow/testing';
import { FakePagure } from '../testing.js';
import { PagureForge } from '../index.js';

const hello = { namespace: 'rpms', repo: 'hello' };
let pagure: FakePagure;
let packit: PagureForge;
let work: string;

beforeAll(async () => {
  pagure = await FakePagure.start({ tokens: { 'pagure-token-packit': 'packit', 'pagure-token-alice': 'alice' } });
  pagure.addProject('rpms/hello', {
    owner: 'alice',
    branches: ['rawhide', 'f41'],
    files: { 'hello.spec': 'Name: hello\nVersion: 2.9\n', sources: 'SHA512 (hello-2.9.tar.gz) = 00\n' },
    users: { commit: ['bob'] },
    groups: { admin: ['hello-maintainers'] },
  });
  pagure.addGroup('hello-maintainers', ['carol']);
  packit = new PagureForge({ instanceUrl: pagure.url, token: 'pagure-token-packit', flagUsername: 'Packit' });
  work = mkdtempSync(join(tmpdir(), 'pagure-forge-test-'));
});

afterAll(async () => {
  await pagure.close();
  rmSync(work, { recursive: true, force: true });
});

/** Clones packit's fork, commits a new version on `branch` and pushes it; returns the commit. */
function pushVersion(dir: string, branch: string, version: string): string {
  const repo = new TestRepo(join(work, dir));
  try {
    repo.git('rev-parse', '--git-dir');
  } catch {
    execFileSync('git', ['clone', '--quiet', pagure.gitUrl('rpms/hello', 'packit'), repo.dir]);
    repo.git('checkout', '--quiet', '-b', branch, 'origin/rawhide');
  }
  repo.write('hello.spec', `Name: hello\nVersion: ${version}\n`).write(`hello-${version}.txt`, version);
  const sha = repo.commit(`Update to ${version}`);
  repo.git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  return sha;
}

describe('PagureForge pull requests from a fork', () => {
  it('forks once, opens a pull request from a pushed branch, and follows a second push', async () => {
    expect(await packit.ensureFork(hello)).toBe('packit');
    expect(await packit.ensureFork(hello)).toBe('packit');
    expect([...pagure.projects.keys()].filter((k) => k.startsWith('forks/'))).toEqual(['forks/packit/rpms/hello']);

    const first = pushVersion('clone', 'update-rawhide', '2.10');
    const pr = await packit.createPullRequest(hello, {
      title: 'Update to 2.10',
      body: 'Upstream release 2.10',
      targetBranch: 'rawhide',
      sourceBranch: 'update-rawhide',
      forkOwner: 'packit',
    });
    expect(pr).toMatchObject({
      id: 1,
      status: 'Open',
      branch: 'rawhide',
      branch_from: 'update-rawhide',
      commit_stop: first,
      user: { name: 'packit' },
      repo_from: { fullname: 'forks/packit/rpms/hello' },
    });

    const second = pushVersion('clone', 'update-rawhide', '2.11');
    await packit.updatePullRequest(hello, pr.id, { title: 'Update to 2.11', body: 'Upstream release 2.11' });
    expect(await packit.pullRequest(hello, pr.id)).toMatchObject({
      title: 'Update to 2.11',
      commit_start: first,
      commit_stop: second,
    });
    expect((await packit.pullRequests(hello, { author: 'packit' })).map((p) => p.id)).toEqual([pr.id]);
    expect(await packit.pullRequests(hello, { author: 'alice' })).toEqual([]);
    expect((await packit.changedFiles(hello, { pullRequest: pr.id })).sort()).toEqual([
      'hello-2.10.txt',
      'hello-2.11.txt',
      'hello.spec',
    ]);

    const merged = pagure.mergePullRequest('rpms/hello', pr.id, 'alice');
    expect(merged).toBe(second);
    expect(await packit.fileContent(hello, 'hello.spec', 'rawhide')).toBe('Name: hello\nVersion: 2.11\n');
    expect(await packit.fileContent(hello, 'hello.spec', 'f41')).toBe('Name: hello\nVersion: 2.9\n');
    expect(await packit.fileContent(hello, 'missing.txt', 'rawhide')).toBeUndefined();
    expect((await packit.pullRequest(hello, pr.id))!.status).toBe('Merged');
    // The push of a fast-forward merge is the pull request's head commit.
    expect((await packit.mergedPullRequestOf(hello, merged))?.id).toBe(pr.id);
  });

  it('comments, and sets one flag per check name on a pull request (a second report updates it)', async () => {
    pushVersion('clone-f41', 'update-f41', '3.0');
    const pr = await packit.createPullRequest(hello, {
      title: 'Update f41',
      body: '',
      targetBranch: 'f41',
      sourceBranch: 'update-f41',
      forkOwner: 'packit',
    });
    await packit.comment(hello, { pullRequest: pr.id }, 'Koji build started');
    const running = await packit.setPullRequestFlag(hello, pr.id, {
      name: 'koji-build:f41',
      status: 'pending',
      comment: 'Building',
      url: 'https://packflow.example/t/1',
    });
    const done = await packit.setPullRequestFlag(hello, pr.id, {
      name: 'koji-build:f41',
      status: 'success',
      comment: 'Built',
      url: 'https://packflow.example/t/1',
    });
    expect(done.uid).toBe(running.uid);
    const stored = pagure.pullRequest('rpms/hello', pr.id);
    expect(stored.flags).toEqual([
      expect.objectContaining({ status: 'success', comment: 'Built', username: 'Packit', uid: running.uid }),
    ]);
    expect(stored.comments.map((c) => [c.user, c.comment])).toEqual([['packit', 'Koji build started']]);
    expect(pagure.messagesSent.map((m) => m.payload.topic).slice(-4)).toEqual([
      'org.fedoraproject.prod.pagure.pull-request.new',
      'org.fedoraproject.prod.pagure.pull-request.comment.added',
      'org.fedoraproject.prod.pagure.pull-request.flag.added',
      'org.fedoraproject.prod.pagure.pull-request.flag.updated',
    ]);

    const sha = stored.flags[0].commit_hash as string;
    const status = await packit.reportStatus(hello, {
      name: 'rpm-build:f41',
      sha,
      state: 'skipped',
      title: 'Not built',
    });
    expect(pagure.commitFlags.get(`rpms/hello@${sha}`)).toEqual([
      expect.objectContaining({ uid: status.id, status: 'canceled' }),
    ]);

    // f41 moved on from where the branch started: merging makes a merge commit, whose
    // second parent is the pull request's head; a direct push belongs to no pull request.
    const direct = new TestRepo(join(work, 'direct-f41'));
    execFileSync('git', ['clone', '--quiet', '--branch', 'f41', pagure.gitUrl('rpms/hello'), direct.dir]);
    direct.write('README', 'a direct push\n');
    const before = direct.commit('A direct push to f41');
    direct.git('push', '--quiet', 'origin', 'HEAD:refs/heads/f41');
    const mergeCommit = pagure.mergePullRequest('rpms/hello', pr.id, 'alice');
    expect(await packit.commitParents(hello, mergeCommit)).toEqual([before, sha]);
    expect((await packit.mergedPullRequestOf(hello, mergeCommit))?.id).toBe(pr.id);
    expect(await packit.mergedPullRequestOf(hello, before)).toBeUndefined();
    expect(await packit.commitParents(hello, 'f'.repeat(40))).toBeUndefined();
  });
});

describe('PagureForge permissions and refusals', () => {
  it('maps owners, committers and group admins to access levels', async () => {
    const level = async (login: string) => packit.permission(hello, { login });
    expect(await level('alice')).toMatchObject({ role: 'owner', canRunCommands: true });
    expect(await level('bob')).toMatchObject({ role: 'commit', canRunCommands: true });
    expect(await level('carol')).toMatchObject({ role: 'admin', canRunCommands: true });
    expect(await level('dave')).toEqual({ role: 'none', accessLevel: 0, canRunCommands: false });
  });

  it("refuses a bad token without repeating it, and a pull request from another user's fork", async () => {
    const stranger = new PagureForge({ instanceUrl: pagure.url, token: 'not-a-real-token' });
    const error = await stranger.comment(hello, { pullRequest: 1 }, 'hi').then(
      () => undefined,
      (e: unknown) => e as ExternalServiceError,
    );
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error!.message).toMatch(/Invalid or expired token/);
    expect(error!.message).not.toContain('not-a-real-token');

    const alice = new PagureForge({ instanceUrl: pagure.url, token: 'pagure-token-alice' });
    await expect(
      alice.createPullRequest(hello, {
        title: 't',
        body: '',
        targetBranch: 'rawhide',
        sourceBranch: 'update-f41',
        forkOwner: 'packit',
      }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
