// GitlabForge against the fake GitLab (gitbeaker over HTTP with a token): commit statuses
// and GitLab's transition rule, notes, access levels, files, changes, tags and releases,
// failure mapping.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { FakeGitlab } from './fake-gitlab.webhooks.js';
import { GitlabForge, type RepoId } from '../index.js';

const SHA = '1f6a716aa7a618a9ffe56970d77177d99d100022';
const repo: RepoId = { namespace: 'acme/sub', repo: 'widget' };
const PROJECT = 'acme/sub/widget';

let gitlab: FakeGitlab;
let forge: GitlabForge;

beforeAll(async () => {
  gitlab = await FakeGitlab.start({ token: 'glpat-secret-token-1' });
  forge = new GitlabForge({ host: gitlab.url, token: 'glpat-secret-token-1' });
});

afterAll(async () => {
  await gitlab.close();
});

/** The ExternalServiceError a call fails with (the test fails when it succeeds). */
async function failed(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('GitlabForge commit statuses', () => {
  it('reports queued -> running -> failure on one status with the check-run name, URL and description', async () => {
    const report = {
      name: 'rpm-build:fedora-41-x86_64',
      sha: SHA,
      detailsUrl: 'https://packflow.example/pipelines/2',
      ref: 'feature',
    };
    const first = await forge.reportStatus(repo, { ...report, state: 'queued', title: 'Waiting for the SRPM' });
    await forge.reportStatus(repo, { ...report, state: 'running', title: 'Building' });
    const last = await forge.reportStatus(repo, { ...report, state: 'failure', title: 'Build failed' });
    expect(last.id).toBe(first.id);
    const status = gitlab.status(PROJECT, SHA, 'rpm-build:fedora-41-x86_64')!;
    expect(status).toMatchObject({
      status: 'failed',
      ref: 'feature',
      targetUrl: report.detailsUrl,
      description: 'Build failed',
    });
    expect(status.history.map((h) => h.status)).toEqual(['pending', 'running', 'failed']);
  });

  it('takes "cannot transition" for a state the status already has as done, and starts a new status after a finished one', async () => {
    const report = { name: 'testing-farm:fedora-41-x86_64', sha: SHA, state: 'running' as const, title: 'Running' };
    const one = await forge.reportStatus(repo, report);
    const again = await forge.reportStatus(repo, { ...report, title: 'Still running' });
    expect(again.id).toBe(one.id);
    expect(gitlab.requests.filter((r) => r.status === 400)).toHaveLength(1);
    await forge.reportStatus(repo, { ...report, state: 'success', title: 'Passed' });
    const rerun = await forge.reportStatus(repo, { ...report, state: 'queued', title: 'Re-run' });
    expect(rerun.id).not.toBe(one.id);
    expect(
      gitlab
        .statusesFor(PROJECT, SHA)
        .filter((s) => s.name === report.name)
        .map((s) => s.status),
    ).toEqual(['success', 'pending']);
  });

  it('maps cancelled and skipped to canceled, neutral to success', async () => {
    for (const [state, expected] of [
      ['cancelled', 'canceled'],
      ['skipped', 'canceled'],
      ['neutral', 'success'],
      ['error', 'failed'],
    ] as const) {
      await forge.reportStatus(repo, { name: `map:${state}`, sha: SHA, state, title: state });
      expect(gitlab.status(PROJECT, SHA, `map:${state}`)!.status).toBe(expected);
    }
  });
});

describe('GitlabForge notes, access, files and changes', () => {
  it('adds notes to merge requests and issues', async () => {
    await forge.comment(repo, { pullRequest: 5 }, 'Only Developers and above can run `/packit build`.');
    await forge.comment(repo, { issue: 8 }, 'hi');
    expect(gitlab.notes.map((n) => [n.noteableType, n.iid, n.body])).toEqual([
      ['MergeRequest', 5, 'Only Developers and above can run `/packit build`.'],
      ['Issue', 8, 'hi'],
    ]);
  });

  it('reads access levels: Developer (30) and above may run commands', async () => {
    gitlab.setAccessLevel(PROJECT, 'dev', 30);
    gitlab.setAccessLevel(PROJECT, 'reporter', 20);
    gitlab.setAccessLevel(PROJECT, 'boss', 50);
    gitlab.userId('outsider');
    const answers = await Promise.all(
      ['dev', 'reporter', 'boss', 'outsider', 'nobody-at-all'].map((login) => forge.permission(repo, { login })),
    );
    expect(answers.map((p) => [p.role, p.accessLevel, p.canRunCommands])).toEqual([
      ['developer', 30, true],
      ['reporter', 20, false],
      ['owner', 50, true],
      ['none', 0, false],
      ['none', 0, false],
    ]);
    await expect(forge.permission(repo, { login: 'dev', id: gitlab.userId('dev') })).resolves.toMatchObject({
      canRunCommands: true,
    });
  });

  it('reads a file at a ref, and answers undefined when it is not there', async () => {
    gitlab.setFile(PROJECT, SHA, '.packit.yaml', 'specfile_path: widget.spec\n');
    await expect(forge.fileContent(repo, '.packit.yaml', SHA)).resolves.toBe('specfile_path: widget.spec\n');
    await expect(forge.fileContent(repo, 'dir/packit.yaml', SHA)).resolves.toBeUndefined();
  });

  it('lists every change of a large merge request (pages) with renames under both paths, and changes between commits', async () => {
    const files = Array.from({ length: 130 }, (_, i) => `lib/f${i}.py`);
    gitlab.setMergeRequestChanges(PROJECT, 5, [...files, { newPath: 'docs/b.md', oldPath: 'docs/a.md' }]);
    const changed = await forge.changedFiles(repo, { pullRequest: 5 });
    expect(changed).toHaveLength(132);
    expect(changed).toEqual(expect.arrayContaining(['lib/f0.py', 'lib/f129.py', 'docs/a.md', 'docs/b.md']));
    expect(gitlab.requests.filter((r) => r.path.endsWith('/merge_requests/5/diffs'))).toHaveLength(2);
    gitlab.setCompareChanges(PROJECT, 'v1', 'v2', ['a.spec']);
    await expect(forge.changedFiles(repo, { base: 'v1', head: 'v2' })).resolves.toEqual(['a.spec']);
  });
});

describe('GitlabForge tags and releases', () => {
  const project = 'acme/releases';
  const releasesRepo: RepoId = { namespace: 'acme', repo: 'releases' };
  const older = 'a1'.padEnd(40, '1');
  const newer = 'b2'.padEnd(40, '2');

  it("finds a tag's commit, and undefined for a tag GitLab does not have", async () => {
    gitlab.releases.setTag(project, 'v1.0', older);
    expect(await forge.tagCommit(releasesRepo, 'v1.0')).toBe(older);
    expect(await forge.tagCommit(releasesRepo, 'v9.9')).toBeUndefined();
    expect(gitlab.requests.some((r) => r.path === '/api/v4/projects/acme%2Freleases/repository/tags/v1.0')).toBe(true);
  });

  it('takes the latest release from its permanent link (newest released_at, redirected by project id); none: undefined', async () => {
    expect(await forge.latestReleaseTag(releasesRepo)).toBeUndefined();
    gitlab.releases.addRelease(project, { tag: 'v2.0', sha: newer, releasedAt: '2026-11-02T10:00:00.000Z' });
    gitlab.releases.addRelease(project, { tag: 'v1.0', sha: older, releasedAt: '2026-10-01T10:00:00.000Z' });
    expect(await forge.latestReleaseTag(releasesRepo)).toBe('v2.0');
    expect(await forge.tagCommit(releasesRepo, 'v2.0')).toBe(newer);
    const paths = gitlab.requests.map((r) => r.path);
    expect(paths).toContain('/api/v4/projects/acme%2Freleases/releases/permalink/latest');
    expect(paths.some((p) => /^\/api\/v4\/projects\/\d+\/releases\/v2\.0$/.test(p))).toBe(true);
  });

  it('the release of a Release Hook is the latest release from then on', async () => {
    await gitlab.emitRelease(project, { tag: 'v3.0', sha: 'c3'.padEnd(40, '3') });
    expect(await forge.latestReleaseTag(releasesRepo)).toBe('v3.0');
    expect(await forge.tagCommit(releasesRepo, 'v3.0')).toBe('c3'.padEnd(40, '3'));
  });
});

describe('GitlabForge errors', () => {
  it('answers 429 with Retry-After as retryable after a single request (no retries inside the client)', async () => {
    const before = gitlab.requests.length;
    gitlab.failNext({ status: 429, retryAfter: 1, json: { message: '429 Too Many Requests' } });
    const error = await failed(forge.comment(repo, { pullRequest: 5 }, 'x'));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000 });
    expect(error.message).toBe(
      'gitlab: comment on merge request acme/sub/widget!5 failed: 429 rate limited: 429 Too Many Requests (retry after 1 s)',
    );
    expect(gitlab.requests.length - before).toBe(1);
  });

  it('answers 502 and a dropped connection as retryable', async () => {
    gitlab.failNext({ status: 502 });
    await expect(forge.fileContent(repo, '.packit.yaml', SHA)).rejects.toMatchObject({ status: 502, retryable: true });
    gitlab.failNext({ drop: true });
    await expect(forge.fileContent(repo, '.packit.yaml', SHA)).rejects.toMatchObject({ retryable: true });
  });

  it('answers a wrong token and a 404 as final, never showing the token', async () => {
    const wrong = new GitlabForge({ host: gitlab.url, token: 'glpat-wrong-token-2' });
    const error = await failed(wrong.reportStatus(repo, { name: 'x', sha: SHA, state: 'queued', title: 'x' }));
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toContain(
      'set commit status "x" to pending on acme/sub/widget@1f6a716aa7a6 failed: 401 authentication failed',
    );
    expect(inspect(error, { depth: 10 })).not.toContain('glpat-wrong-token-2');
    gitlab.failNext({ status: 404, json: { message: '404 Project Not Found' } });
    await expect(forge.comment(repo, { issue: 1 }, 'x')).rejects.toMatchObject({ status: 404, retryable: false });
  });
});

describe('GitlabForge: which of several tokens acts on a project', () => {
  it('the token of a member with Developer access; a non-member gets 404 and a Reporter 403, as GitLab answers', async () => {
    const secret = { namespace: 'private-group', repo: 'widget' };
    gitlab.addToken('glpat-second-bot', 'second-bot');
    gitlab.addToken('glpat-reporter-bot', 'reporter-bot');
    gitlab.restrictProject('private-group/widget');
    gitlab.setAccessLevel('private-group/widget', 'second-bot', 30);
    gitlab.setAccessLevel('private-group/widget', 'reporter-bot', 20);
    const second = new GitlabForge({ host: gitlab.url, token: 'glpat-second-bot' });
    const reporter = new GitlabForge({ host: gitlab.url, token: 'glpat-reporter-bot' });

    expect(await forge.canAct(secret)).toBe(false);
    expect(await reporter.canAct(secret)).toBe(false);
    expect(await second.canAct(secret)).toBe(true);
    // An unrestricted project lets every token in.
    expect(await second.canAct(repo)).toBe(true);

    const report = { name: 'rpm-build:x', sha: SHA, state: 'queued' as const, title: 'x' };
    expect((await failed(forge.reportStatus(secret, report))).status).toBe(404);
    expect((await failed(reporter.reportStatus(secret, report))).status).toBe(403);
    await second.reportStatus(secret, report);
    expect(gitlab.statusesFor('private-group/widget')).toHaveLength(1);
  });
});
