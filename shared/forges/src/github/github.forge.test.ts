// GithubForge against the fake GitHub (octokit over HTTP, GitHub App identity with a key
// generated here): check runs with buttons and their history, comments, permissions,
// files, changed files, installation-token caching, and failure mapping.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { FakeGithub } from './fake-github.webhooks.js';
import { GithubForge, type RepoId } from '../index.js';

const SHA = '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd';
const repo: RepoId = { namespace: 'acme', repo: 'widget' };

let github: FakeGithub;
let privateKey: string;
let forge: GithubForge;

async function rsaKey(): Promise<{ privateKey: string; publicKey: string }> {
  return promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }) as Promise<{ privateKey: string; publicKey: string }>;
}

beforeAll(async () => {
  const keys = await rsaKey();
  privateKey = keys.privateKey;
  github = await FakeGithub.start({
    appId: 4242,
    appKey: keys.publicKey,
    installations: [{ id: 77, account: 'acme', repositories: ['acme/widget', 'acme/gadget'] }],
  });
  forge = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
});

afterAll(async () => {
  await github.close();
});

/** The installation token the fake saw last (to check it never shows in errors). */
function lastToken(): string {
  const header = [...github.requests].reverse().find((r) => /^token /.test(String(r.headers.authorization)))
    ?.headers.authorization;
  return String(header).slice('token '.length);
}

/** The ExternalServiceError a call fails with (the test fails when it succeeds). */
async function failed(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('GithubForge check runs', () => {
  it('reports queued -> running -> success on one check run with buttons, details URL and external id', async () => {
    const report = {
      name: 'rpm-build:fedora-41-x86_64',
      sha: SHA,
      detailsUrl: 'https://packflow.example/pipelines/1',
      externalId: 'target-17',
    };
    const queued = await forge.reportStatus(repo, { ...report, state: 'queued', title: 'Waiting for the SRPM' });
    await forge.reportStatus(repo, { ...report, id: queued.id, state: 'running', title: 'Building' });
    await forge.reportStatus(repo, {
      ...report,
      id: queued.id,
      state: 'success',
      title: 'Built',
      summary: 'RPMs are in Copr',
      text: '```\nok\n```',
    });

    const run = github.checkRun('acme/widget', SHA, 'rpm-build:fedora-41-x86_64')!;
    expect(github.checkRunsFor('acme/widget', SHA).filter((c) => c.name === report.name)).toHaveLength(1);
    expect(run).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      detailsUrl: report.detailsUrl,
      externalId: 'target-17',
      title: 'Built',
      summary: 'RPMs are in Copr',
      text: '```\nok\n```',
    });
    expect(run.history.map((h) => [h.status, h.conclusion, h.title])).toEqual([
      ['queued', null, 'Waiting for the SRPM'],
      ['in_progress', null, 'Building'],
      ['completed', 'success', 'Built'],
    ]);
    expect(run.actions.map((a) => [a.label, a.identifier])).toEqual([
      ['Re-run failed', 'rerun-failed'],
      ['Re-run all', 'rerun-all'],
    ]);
    expect(queued.url).toBe(`https://github.com/acme/widget/runs/${queued.id}`);
  });

  it('maps each state to status and conclusion, and finds the latest run by name', async () => {
    const cases = [
      ['failure', 'failure'],
      ['error', 'failure'],
      ['cancelled', 'cancelled'],
      ['skipped', 'skipped'],
      ['neutral', 'neutral'],
    ] as const;
    for (const [state, conclusion] of cases) {
      const { id } = await forge.reportStatus(repo, { name: `testing-farm:${state}`, sha: SHA, state, title: state });
      expect(github.checkRuns.find((c) => String(c.id) === id)).toMatchObject({ status: 'completed', conclusion });
    }
    const direct = await forge.createCheckRun(repo, {
      name: 'packflow/config',
      headSha: SHA,
      status: 'completed',
      conclusion: 'failure',
      title: 'Invalid config',
      summary: 'line 3: unknown job',
      actions: false,
    });
    expect(github.checkRuns.find((c) => String(c.id) === direct.id)!.actions).toEqual([]);
    await expect(forge.findCheckRun(repo, SHA, 'packflow/config')).resolves.toMatchObject({
      id: direct.id,
      conclusion: 'failure',
    });
    await expect(forge.findCheckRun(repo, SHA, 'never-reported')).resolves.toBeUndefined();
  });

  it('refuses an unknown check run id as final', async () => {
    const error = await failed(forge.updateCheckRun(repo, 123, { status: 'in_progress' }));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 404, retryable: false });
    expect(error.message).toBe('github: update check run 123 on acme/widget failed: 404 not found: Not Found');
  });
});

describe('GithubForge after a crash', () => {
  it('updates the check run a lost create made (same name and external id) instead of creating a second', async () => {
    const sha = 'f'.repeat(40);
    const report = { name: 'srpm-build', sha, externalId: 'pipeline-9:step-1:srpm-builds' };
    // The first report's create went through; its id was never recorded (the worker died).
    await forge.reportStatus(repo, { ...report, state: 'queued', title: 'queued' });
    await forge.reportStatus(repo, { ...report, state: 'success', title: 'SRPM build succeeded' });
    const runs = github.checkRunsFor('acme/widget', sha);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
    // Another target's run of the same name (another pipeline) is not taken over.
    await forge.reportStatus(repo, {
      ...report,
      externalId: 'pipeline-10:step-1:srpm-builds',
      state: 'queued',
      title: 'queued',
    });
    expect(github.checkRunsFor('acme/widget', sha)).toHaveLength(2);
  });

  it('reports a batch of a commit with one listing of its check runs, adopting the lost create found on a later page', async () => {
    const sha = 'b'.repeat(40);
    // Another pipeline's runs: more than a page of 100, so the lost create is on the second.
    const others = async (from: number, to: number) => {
      for (let i = from; i < to; i++)
        await forge.createCheckRun(repo, {
          name: `other:${i}`,
          headSha: sha,
          status: 'queued',
          title: 'queued',
          summary: '',
        });
    };
    await others(0, 120);
    const lost = await forge.createCheckRun(repo, {
      name: 'srpm-build',
      headSha: sha,
      status: 'queued',
      title: 'queued',
      summary: '',
      externalId: 'pipeline-11:step-1:srpm-builds',
    });
    await others(120, 130);
    const listings = () => github.requests.filter((r) => r.path === `/repos/acme/widget/commits/${sha}/check-runs`);
    const before = listings().length;

    const reports = ['srpm-build', 'rpm-build:fedora-41-x86_64', 'rpm-build:fedora-42-x86_64'].map((name) => ({
      name,
      sha,
      state: 'running' as const,
      title: 'running',
      externalId: name === 'srpm-build' ? 'pipeline-11:step-1:srpm-builds' : `pipeline-11:step-2:${name}`,
    }));
    const results = await forge.reportStatuses(repo, reports);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const [adopted, ...created] = results.map((r) => (r as PromiseFulfilledResult<{ id: string }>).value.id);
    expect(adopted).toBe(lost.id);
    expect(github.checkRunsFor('acme/widget', sha).filter((c) => c.name === 'srpm-build')).toHaveLength(1);
    expect(created.map((id) => github.checkRuns.find((c) => String(c.id) === id)?.status)).toEqual([
      'in_progress',
      'in_progress',
    ]);
    // Two pages of one listing, not a listing per report.
    expect(
      listings()
        .slice(before)
        .map((r) => new URLSearchParams(r.query).get('page') ?? '1'),
    ).toEqual(['1', '2']);
  });

  it('creates the check runs of a first report without listing the commit’s', async () => {
    const sha = 'd'.repeat(40);
    const results = await forge.reportStatuses(
      repo,
      ['srpm-build', 'rpm-build:fedora-41-x86_64'].map((name) => ({
        name,
        sha,
        state: 'queued' as const,
        title: 'queued',
        externalId: `pipeline-12:${name}`,
        first: true,
      })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(github.checkRunsFor('acme/widget', sha)).toHaveLength(2);
    expect(github.requests.filter((r) => r.path === `/repos/acme/widget/commits/${sha}/check-runs`)).toEqual([]);
  });

  it('settles each report of a batch on its own: one refused, the others out', async () => {
    const sha = 'c'.repeat(40);
    github.failNext({ status: 422, method: 'POST', path: '/repos/acme/widget/check-runs' });
    const results = await forge.reportStatuses(repo, [
      { name: 'a', sha, state: 'queued', title: 'a' },
      { name: 'b', sha, state: 'queued', title: 'b' },
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ExternalServiceError,
    );
    expect(github.checkRunsFor('acme/widget', sha)).toHaveLength(1);
  });

  it('knows its own installation: the one this App has on the repository, not nor another app’s, nor none', async () => {
    expect(await forge.ownsInstallation(repo, 77)).toBe(true);
    expect(await forge.ownsInstallation(repo, 78)).toBe(false);
    expect(await forge.ownsInstallation({ namespace: 'acme', repo: 'not-installed' }, 77)).toBe(false);
  });
});

describe('GithubForge repository reads and comments', () => {
  it('comments on pull requests and issues', async () => {
    const posted = await forge.comment(repo, { pullRequest: 9 }, 'Only collaborators can run `/packit retest-failed`.');
    await forge.comment(repo, { issue: 3 }, 'hello');
    expect(github.comments.map((c) => [c.issueNumber, c.body, c.user])).toEqual([
      [9, 'Only collaborators can run `/packit retest-failed`.', 'packflow[bot]'],
      [3, 'hello', 'packflow[bot]'],
    ]);
    expect(posted.url).toContain('/acme/widget/issues/9#issuecomment-');
  });

  it('reads collaborator roles: write, maintain and admin may run commands', async () => {
    github.setPermission('acme/widget', 'writer', 'write');
    github.setPermission('acme/widget', 'maintainer', 'maintain');
    github.setPermission('acme/widget', 'triager', 'triage');
    github.setPermission('acme/widget', 'owner', 'admin');
    const roles = await Promise.all(
      ['writer', 'maintainer', 'triager', 'owner', 'stranger'].map((login) => forge.permission(repo, { login })),
    );
    expect(roles.map((p) => [p.role, p.canRunCommands])).toEqual([
      ['write', true],
      ['maintain', true],
      ['triage', false],
      ['admin', true],
      ['read', false],
    ]);
  });

  it('reads a file at a ref, and answers undefined when it is not there', async () => {
    const config = 'jobs:\n- job: copr_build\n  trigger: pull_request\n  targets: [fedora-all]\n'.repeat(5);
    github.setFile('acme/widget', SHA, '.packit.yaml', config);
    await expect(forge.fileContent(repo, '.packit.yaml', SHA)).resolves.toBe(config);
    await expect(forge.fileContent(repo, 'packit.yaml', SHA)).resolves.toBeUndefined();
    await expect(forge.fileContent(repo, '.packit.yaml', 'other-ref')).resolves.toBeUndefined();
  });

  it('finds the commit of a release tag, and answers undefined for a tag that does not exist', async () => {
    github.setTag('acme/widget', 'v1.2', 'f00d'.padEnd(40, '0'));
    expect(await forge.tagCommit({ namespace: 'acme', repo: 'widget' }, 'v1.2')).toBe('f00d'.padEnd(40, '0'));
    expect(await forge.tagCommit({ namespace: 'acme', repo: 'widget' }, 'v9')).toBeUndefined();
  });

  it('lists every file of a large pull request (pages) with renamed files under both names, and files between commits', async () => {
    const files = Array.from({ length: 230 }, (_, i) => `src/file-${i}.c`);
    github.setPullRequestFiles('acme/widget', 12, [
      ...files,
      { filename: 'docs/new.md', previousFilename: 'docs/old.md' },
    ]);
    const changed = await forge.changedFiles(repo, { pullRequest: 12 });
    expect(changed).toHaveLength(232);
    expect(changed).toEqual(expect.arrayContaining(['src/file-0.c', 'src/file-229.c', 'docs/new.md', 'docs/old.md']));
    expect(github.requests.filter((r) => r.path === '/repos/acme/widget/pulls/12/files')).toHaveLength(3);

    github.setCompareFiles('acme/widget', 'aaa', 'bbb', ['packages/a/a.spec', 'README.md']);
    await expect(forge.changedFiles(repo, { base: 'aaa', head: 'bbb' })).resolves.toEqual([
      'packages/a/a.spec',
      'README.md',
    ]);
  });
});

describe('GithubForge installation tokens', () => {
  it('asks for one installation token for many calls, and one installation lookup per repository', async () => {
    const fresh = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
    const before = github.tokensIssued.length;
    const lookups = () => github.requests.filter((r) => r.path.endsWith('/installation')).length;
    const lookupsBefore = lookups();
    await Promise.all(Array.from({ length: 8 }, (_, i) => fresh.comment(repo, { issue: 100 + i }, `comment ${i}`)));
    for (let i = 0; i < 5; i++) await fresh.fileContent({ namespace: 'acme', repo: 'gadget' }, 'missing.txt', 'main');
    expect(github.tokensIssued.length - before).toBe(1);
    expect(fresh.tokens.tokenRequests).toBe(1);
    expect(lookups() - lookupsBefore).toBe(2);
    expect(github.tokensIssued.at(-1)!.installationId).toBe(77);
  });

  it('uses the installation id the event gave without looking it up', async () => {
    const fresh = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
    const lookups = github.requests.filter((r) => r.path.endsWith('/installation')).length;
    await fresh.comment({ ...repo, installationId: 77 }, { issue: 1 }, 'hi');
    expect(github.requests.filter((r) => r.path.endsWith('/installation')).length).toBe(lookups);
  });

  it('asks for a new token a few minutes before the cached one expires', async () => {
    let clock = Date.now();
    const fresh = new GithubForge({
      appId: 4242,
      privateKey,
      baseUrl: github.url,
      now: () => clock,
      tokenRefreshMs: 5 * 60_000,
    });
    await fresh.comment(repo, { issue: 1 }, 'one');
    clock += 54 * 60_000; // 6 minutes left of the hour: still good
    await fresh.comment(repo, { issue: 1 }, 'two');
    expect(fresh.tokens.tokenRequests).toBe(1);
    clock += 2 * 60_000; // 4 minutes left: refresh
    await fresh.comment(repo, { issue: 1 }, 'three');
    expect(fresh.tokens.tokenRequests).toBe(2);
  });

  it('gets a fresh token once when GitHub refuses a cached one', async () => {
    const fresh = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
    await fresh.comment(repo, { issue: 1 }, 'before');
    github.app.revokeTokens(77);
    await fresh.comment(repo, { issue: 1 }, 'after');
    expect(fresh.tokens.tokenRequests).toBe(2);
  });

  it('looks the installation up again when the app was reinstalled', async () => {
    const fresh = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
    const elsewhere = { namespace: 'acme', repo: 'moved' };
    github.app.install({ id: 80, account: 'acme', repositories: ['acme/moved'] });
    await fresh.comment(elsewhere, { issue: 1 }, 'before');
    github.app.installations.delete(80);
    github.app.revokeTokens(80);
    github.app.install({ id: 81, account: 'acme', repositories: ['acme/moved'] });
    await fresh.comment(elsewhere, { issue: 1 }, 'after');
    expect(github.tokensIssued.slice(-2).map((t) => t.installationId)).toEqual([80, 81]);
  });

  it('refuses a JWT signed with another key, as final', async () => {
    const other = await rsaKey();
    const stranger = new GithubForge({ appId: 4242, privateKey: other.privateKey, baseUrl: github.url });
    const error = await failed(stranger.comment(repo, { issue: 1 }, 'x'));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toContain('find the GitHub App installation of acme/widget failed: 401');
  });

  it('refuses a repository the app is not installed on, as final', async () => {
    await expect(forge.comment({ namespace: 'other', repo: 'thing' }, { issue: 1 }, 'x')).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
  });
});

describe('GithubForge errors', () => {
  it('treats the primary rate limit as retryable until the reset time', async () => {
    await forge.comment(repo, { issue: 1 }, 'warm the token cache');
    github.rateLimitNext({ resetInSeconds: 120, path: '/repos/acme/widget/check-runs' });
    const error = await failed(forge.reportStatus(repo, { name: 'x', sha: SHA, state: 'queued', title: 'x' }));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 403, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(100_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(121_000);
    expect(error.message).toContain('API rate limit exceeded');
  });

  it('treats a secondary rate limit (403 + Retry-After), 503 and a dropped connection as retryable', async () => {
    github.failNext({
      status: 403,
      retryAfter: 30,
      json: { message: 'You have exceeded a secondary rate limit.' },
      path: '/repos/acme/widget/issues',
    });
    await expect(forge.comment(repo, { issue: 1 }, 'x')).rejects.toMatchObject({
      status: 403,
      retryable: true,
      retryAfterMs: 30_000,
    });
    github.failNext({ status: 503, retryAfter: 1, path: '/repos/acme/widget/issues' });
    await expect(forge.comment(repo, { issue: 1 }, 'x')).rejects.toMatchObject({
      status: 503,
      retryable: true,
      retryAfterMs: 1000,
    });
    github.failNext({ drop: true, path: '/repos/acme/widget/issues' });
    await expect(forge.comment(repo, { issue: 1 }, 'x')).rejects.toMatchObject({ retryable: true });
  });

  it('treats 403 without rate-limit headers and 401 on a fresh token as final, never showing the token', async () => {
    github.failNext({
      status: 403,
      json: { message: 'Resource not accessible by integration' },
      path: '/repos/acme/widget/issues',
    });
    const denied = await failed(forge.comment(repo, { issue: 1 }, 'x'));
    expect(denied).toMatchObject({ status: 403, retryable: false });
    expect(denied.message).toBe(
      'github: comment on issue acme/widget#1 failed: 403 permission denied: Resource not accessible by integration',
    );
    const token = lastToken();
    expect(token).toMatch(/^ghs_/);
    github.failNext({
      status: 401,
      json: { message: `Bad credentials for ${token}` },
      path: '/repos/acme/widget/issues',
      times: 2,
    });
    const refused = await failed(forge.comment(repo, { issue: 1 }, 'x'));
    expect(refused).toMatchObject({ status: 401, retryable: false });
    expect(inspect(refused, { depth: 10 })).not.toContain(token);
    expect(inspect(refused, { depth: 10 })).not.toContain(lastToken());
  });
});
