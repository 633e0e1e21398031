// CentOS Stream end to end: the fake GitLab (serving real bare git repositories over
// file://, on an instance of its own) sends its hooks to the scheduler, whose ROUTING_RULES
// give redhat/centos-stream/** there to the stream ecosystem; the events go through JetStream to the stream worker, whose sync
// pipelines convert source-git merge requests with real git, push to the identity's fork
// of dist-git, open the dist-git merge request and report its CI (its pipelines, and KCIDB
// reports other CI systems submit to web for its commit) back as commit statuses,
// all through the real GitLab client. Real PostgreSQL and NATS; every wait is a condition.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { FakeGitlab } from '@packflow/forges/testing';
import type { RunningService } from '@packflow/platform';
import { startScheduler } from '@packflow/scheduler';
import { updateDistGit } from '@packflow/source-git';
import { LINK_MARKER } from '@packflow/stream';
import { startResultsWorker } from '@packflow/results-worker';
import { startStreamWorker } from '@packflow/stream-worker';
import { startWeb } from '@packflow/web';
import {
  createTestDatabase,
  distGitRepo,
  sourceGitRepo,
  startNatsServer,
  useGitTestEnv,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
  type TestRepo,
} from '@packflow/testing';

const SRC = 'redhat/centos-stream/src/hello';
const RPMS = 'redhat/centos-stream/rpms/hello';
const FORK = 'packflow-bot/hello';
const BRANCH = 'c9s';
const MR = 7;
/**
 * A GitLab instance of its own (not gitlab.com), routed to the stream ecosystem by the
 * scheduler's ROUTING_RULES, as an operator would for a self-hosted CentOS Stream mirror.
 */
const INSTANCE = 'https://gitlab.stream.test';
const ROUTING_RULES = JSON.stringify([
  { instance: 'gitlab.stream.test', namespace: 'redhat/centos-stream/**', ecosystem: 'stream' },
]);
/** A CI system that submits KCIDB reports (origin `myci`). */
const KCIDB_TOKEN = 'myci-token-0123456789abcdef';
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let db: TestDatabase;
let nats: TestNatsServer;
let gitlab: FakeGitlab;
let scheduler: RunningService;
let worker: RunningService;
let web: RunningService;
let results: RunningService;
let root: string;
let sg: TestRepo;
let dg: TestRepo;

/** A file of a branch of a fake GitLab project's repository. */
const show = (project: string, ref: string, path: string) =>
  execFileSync('git', ['show', `${ref}:${path}`], { cwd: gitlab.projects.get(project)!.dir, encoding: 'utf8' });
const distGitMrs = () => gitlab.projects.mergeRequests.filter((m) => m.project === RPMS);
const status = (sha: string, name: string) => gitlab.status(SRC, sha, name);
const pipelines = async () =>
  (await db.pool().query('select count(*)::int as n from shared.pipelines')).rows[0].n as number;

beforeAll(async () => {
  useGitTestEnv();
  root = mkdtempSync(join(tmpdir(), 'packflow-stream-e2e-'));
  db = await createTestDatabase();
  nats = await startNatsServer();
  scheduler = await startScheduler({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SCHEDULER_PORT: '0',
      GITLAB_WEBHOOK_TOKEN: 'hook-token',
      ROUTING_RULES,
    },
    logger,
  });
  gitlab = await FakeGitlab.start({
    token: 'glpat-stream',
    webUrl: INSTANCE,
    webhook: { url: `${scheduler.url}/webhooks/gitlab`, token: 'hook-token' },
  });
  worker = await startStreamWorker({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      GITLAB_INSTANCE_URL: INSTANCE,
      STREAM_FORK_NAMESPACE: 'packflow-bot',
      STREAM_WORK_DIR: join(root, 'work'),
      RECONCILE_INTERVAL_MS: '3600000',
    },
    logger,
  });
  // Other CI systems' KCIDB reports: submitted to web, loaded by the results worker.
  web = await startWeb({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      WEB_PORT: '0',
      KCIDB_SUBMITTERS: JSON.stringify({ [KCIDB_TOKEN]: ['myci'] }),
    },
    logger,
  });
  results = await startResultsWorker({ env: { DATABASE_URL: db.url, NATS_URL: nats.url }, logger });
  // Source-git on c9s and dist-git converted from it (the sync point), both on the fake.
  sg = sourceGitRepo(join(root, 'src'));
  dg = distGitRepo(join(root, 'rpms'));
  await updateDistGit(sg.dir, dg.dir, { message: 'Sync from source-git' });
  await gitlab.projects.createProject(SRC, { defaultBranch: BRANCH });
  await gitlab.projects.createProject(RPMS, { defaultBranch: BRANCH });
  sg.git('push', '--quiet', '--tags', gitlab.projects.cloneUrl(SRC), `HEAD:refs/heads/${BRANCH}`);
  dg.git('push', '--quiet', gitlab.projects.cloneUrl(RPMS), `HEAD:refs/heads/${BRANCH}`);
  gitlab.setAccessLevel(SRC, 'maintainer', 40);
  gitlab.setAccessLevel(SRC, 'stranger', 10);
}, 60_000);

afterAll(async () => {
  await results?.close();
  await web?.close();
  await worker?.close();
  await scheduler?.close();
  await gitlab?.close();
  await nats?.dispose();
  await db?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('a source-git merge request, end to end', () => {
  let head: string;

  it('opens the dist-git merge request from the fork with the right patch files and both link notes', async () => {
    sg.git('checkout', '--quiet', '-b', 'fix');
    head = sg.write('src/hello.c', 'int main(void) {\n  return 1;\n}\n').commit('Return 1');
    sg.git('push', '--quiet', gitlab.projects.cloneUrl(SRC), 'fix');
    const sent = await gitlab.emitMergeRequest(SRC, {
      iid: MR,
      headSha: head,
      sourceBranch: 'fix',
      targetBranch: BRANCH,
      title: 'Return 1',
      sender: 'maintainer',
    });
    expect(sent.status).toBe(202);
    const eventId = (JSON.parse(sent.responseText!) as { event_id: string }).event_id;
    const { rows } = await db.pool().query(`select ecosystem from shared.events where id = $1`, [eventId]);
    expect(rows).toEqual([{ ecosystem: 'stream' }]);

    const steps = ['source-git: convert to dist-git', 'source-git: push to dist-git fork', 'dist-git merge request'];
    await waitFor(() => steps.every((s) => status(head, s)?.status === 'success'), {
      what: 'the sync steps to be reported',
      timeoutMs: 60_000,
    });
    expect(status(head, 'dist-git CI')?.status).toBe('pending');
    expect(distGitMrs()).toMatchObject([
      {
        iid: 1,
        sourceProject: FORK,
        sourceBranch: `source-git-mr-${MR}`,
        targetBranch: BRANCH,
        title: 'Return 1',
        state: 'opened',
      },
    ]);
    const branch = `source-git-mr-${MR}`;
    expect(show(FORK, branch, '0001-Return-1.patch')).toContain('diff --git a/src/hello.c b/src/hello.c');
    expect(show(FORK, branch, 'hello.spec')).toContain('Patch1: 0001-Return-1.patch');
    const message = execFileSync('git', ['log', '-1', '--format=%B', branch], {
      cwd: gitlab.projects.get(FORK)!.dir,
      encoding: 'utf8',
    });
    expect(message).toContain(`From-source-git-commit: ${head}`);
    const links = gitlab.notes.filter((n) => n.body.includes(LINK_MARKER));
    expect(links.map((n) => [n.project, n.iid])).toEqual(
      expect.arrayContaining([
        [SRC, MR],
        [RPMS, 1],
      ]),
    );
    expect(links).toHaveLength(2);
    const { rows: pairs } = await db
      .pool()
      .query(`select source_git_mr, dist_git_mr, state, dist_git_sha from stream.mr_pairs`);
    expect(pairs).toEqual([
      { source_git_mr: String(MR), dist_git_mr: '1', state: 'open', dist_git_sha: expect.any(String) },
    ]);
  });

  it('updates the same dist-git merge request (force-push) when the source-git merge request gets a commit', async () => {
    const old = head;
    head = sg.write('README', 'hello, downstream\n').commit('Say hello downstream');
    sg.git('push', '--quiet', gitlab.projects.cloneUrl(SRC), 'fix');
    await gitlab.emitMergeRequest(SRC, { iid: MR, action: 'update', oldrev: old, headSha: head, sender: 'maintainer' });
    await waitFor(() => status(head, 'dist-git merge request')?.status === 'success', {
      what: 'the new sync',
      timeoutMs: 60_000,
    });
    expect(show(FORK, `source-git-mr-${MR}`, 'hello.spec')).toContain('Patch2: 0002-Say-hello-downstream.patch');
    expect(distGitMrs()).toHaveLength(1);
    expect(gitlab.notes.filter((n) => n.body.includes(LINK_MARKER))).toHaveLength(2);
    // The older commit's sync was superseded: its CI step is cancelled.
    expect(status(old, 'dist-git CI')?.status).toBe('canceled');
  });

  it('reports the dist-git pipeline and each of its jobs as commit statuses; /packit test runs it again', async () => {
    const job = (id: number, name: string, status: string) => ({ id, name, status, stage: 'test' });
    const results = async () =>
      (
        await db.pool().query(
          `select t.path, t.status, c.tree_name from shared.kcidb_tests t
             join shared.kcidb_builds b on b.id = t.build_id join shared.kcidb_checkouts c on c.id = b.checkout_id
            order by t.path, t.status`,
        )
      ).rows;
    await gitlab.emitMergeRequestPipeline(RPMS, 1, {
      status: 'running',
      id: 9001,
      jobs: [job(501, 'rpminspect', 'running'), job(502, 'check-gitbz', 'success')],
    });
    await waitFor(() => status(head, 'dist-git CI')?.status === 'running', { what: 'CI running' });
    await waitFor(() => status(head, 'dist-git CI: rpminspect')?.status === 'running', { what: 'job running' });
    expect(status(head, 'dist-git CI: rpminspect')?.targetUrl).toBe(`${INSTANCE}/${RPMS}/-/jobs/501`);
    await waitFor(() => status(head, 'dist-git CI: check-gitbz')?.status === 'success', { what: 'job passed' });
    await gitlab.emitMergeRequestPipeline(RPMS, 1, {
      status: 'failed',
      id: 9001,
      jobs: [job(501, 'rpminspect', 'failed'), job(502, 'check-gitbz', 'success')],
    });
    await waitFor(() => status(head, 'dist-git CI')?.status === 'failed', { what: 'CI failed' });
    await waitFor(() => status(head, 'dist-git CI: rpminspect')?.status === 'failed', { what: 'job failed' });
    expect(status(head, 'dist-git CI')?.targetUrl).toBe(`${INSTANCE}/${RPMS}/-/pipelines/9001`);
    // The job finished once: reported once, not again for the second hook (whose statuses are all set by now).
    await waitFor(async () => (await results()).length === 3, { what: 'the first pipeline in the results store' });
    expect(gitlab.statusesFor(SRC, head).filter((s) => s.name === 'dist-git CI: check-gitbz')).toHaveLength(1);

    await gitlab.emitMergeRequestNote(SRC, MR, '/packit test', { sender: 'maintainer' });
    await waitFor(() => distGitMrs()[0].pipelines.length === 1, { what: 'a new dist-git pipeline' });
    await waitFor(() => status(head, 'dist-git CI')?.status === 'pending', { what: 'CI pending again' });
    await gitlab.emitMergeRequestPipeline(RPMS, 1, {
      status: 'success',
      jobs: [job(503, 'rpminspect', 'success'), job(504, 'check-gitbz', 'success')],
    });
    await waitFor(() => status(head, 'dist-git CI')?.status === 'success', { what: 'CI success' });
    await waitFor(() => status(head, 'dist-git CI: rpminspect')?.status === 'success', { what: 'job passed' });
    expect(status(head, 'dist-git CI: rpminspect')?.targetUrl).toBe(`${INSTANCE}/${RPMS}/-/jobs/503`);
    // Both finished pipelines and their jobs are in the results store, as KCIDB tests of the dist-git commit.
    await waitFor(async () => (await results()).length === 6, { what: 'both pipelines in the results store' });
    expect(await results()).toEqual([
      { path: 'dist_git.ci', status: 'FAIL', tree_name: RPMS },
      { path: 'dist_git.ci', status: 'PASS', tree_name: RPMS },
      { path: 'dist_git.ci.check-gitbz', status: 'PASS', tree_name: RPMS },
      { path: 'dist_git.ci.check-gitbz', status: 'PASS', tree_name: RPMS },
      { path: 'dist_git.ci.rpminspect', status: 'FAIL', tree_name: RPMS },
      { path: 'dist_git.ci.rpminspect', status: 'PASS', tree_name: RPMS },
    ]);
  });

  it('reports a KCIDB report another CI submits for the dist-git commit as a commit status of its origin', async () => {
    const distGitSha = (await gitlab.projects.branchHead(FORK, `source-git-mr-${MR}`))!;
    const submitted = await fetch(`${web.url}/api/kcidb/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KCIDB_TOKEN}` },
      body: JSON.stringify({
        version: { major: 5, minor: 3 },
        checkouts: [{ id: 'myci:hello', origin: 'myci', tree_name: RPMS, git_commit_hash: distGitSha }],
        builds: [{ id: 'myci:hello-x86_64', origin: 'myci', checkout_id: 'myci:hello', status: 'PASS' }],
        tests: [
          { id: 'myci:t1', origin: 'myci', build_id: 'myci:hello-x86_64', path: 'tier0', status: 'PASS' },
          {
            id: 'myci:t2',
            origin: 'myci',
            build_id: 'myci:hello-x86_64',
            path: 'tier1',
            status: 'FAIL',
            log_url: 'https://ci.example/t2',
          },
        ],
      }),
    });
    expect(submitted.status).toBe(202);
    const reported = await waitFor(() => status(head, 'kcidb: myci'), { what: 'the KCIDB status on source-git' });
    expect(reported).toMatchObject({
      status: 'failed',
      description: '1 build: 1 PASS; 2 tests: 1 FAIL, 1 PASS',
      targetUrl: 'https://ci.example/t2',
    });
  });

  it('answers /packit help with the commands it runs, for anyone', async () => {
    await gitlab.emitMergeRequestNote(SRC, MR, '/packit help', { sender: 'stranger' });
    const reply = await waitFor(
      () => gitlab.notes.find((n) => n.author === gitlab.botUser && n.body.startsWith('packflow commands')),
      { what: 'the help reply' },
    );
    expect(reply.body).toContain('`/packit test`');
    expect(reply.body).toContain('`/packit build`');
    expect(reply.body).toContain('`/packit propose-downstream`');
  });

  it("runs nothing for a non-member's command and tells them why", async () => {
    const before = await pipelines();
    await gitlab.emitMergeRequestNote(SRC, MR, '/packit build', { sender: 'stranger' });
    const reply = await waitFor(
      () => gitlab.notes.find((n) => n.author === gitlab.botUser && n.body.includes('@stranger')),
      {
        what: 'the refusal',
      },
    );
    expect(reply.body).toContain('only people with write access');
    expect(await pipelines()).toBe(before);
  });

  it('re-creates the dist-git merge request on /packit propose-downstream without converting again', async () => {
    // Closed on dist-git by someone else (the fake's record, as GitLab's UI would leave it).
    distGitMrs()[0].state = 'closed';
    const converted = () => gitlab.statusesFor(SRC, head).filter((s) => s.name === 'source-git: convert to dist-git');
    const convertBefore = converted().flatMap((s) => s.history);
    const mrStepsBefore = gitlab.statusesFor(SRC, head).filter((s) => s.name === 'dist-git merge request').length;
    await gitlab.emitMergeRequestNote(SRC, MR, '/packit propose-downstream', { sender: 'maintainer' });
    await waitFor(() => distGitMrs()[0].state === 'opened', { what: 'the dist-git MR to be opened again' });
    expect(distGitMrs()).toHaveLength(1);
    await waitFor(() => status(head, 'dist-git CI')?.status === 'pending', { what: 'its CI to wait again' });
    // The merge request step ran again (a new status after the finished one).
    expect(gitlab.statusesFor(SRC, head).filter((s) => s.name === 'dist-git merge request').length).toBe(
      mrStepsBefore + 1,
    );
    // The rerun pipeline shows the earlier steps' results as they were: convert never ran again.
    const convertAfter = converted().flatMap((s) => s.history);
    expect(convertAfter.slice(0, convertBefore.length)).toEqual(convertBefore);
    expect(new Set(convertAfter.slice(convertBefore.length).map((h) => h.status))).toEqual(new Set(['success']));
  });

  it('brings a dist-git push that did not come from source-git back as a source-git merge request', async () => {
    dg.git('checkout', '--quiet', BRANCH);
    const before = dg.git('rev-parse', 'HEAD').trim();
    const spec = dg.read('hello.spec').replace(/^Release:(\s+)\d+/m, 'Release:$1' + '5');
    const bump = dg.write('hello.spec', spec).commit('Bump release');
    dg.git('push', '--quiet', gitlab.projects.cloneUrl(RPMS), `HEAD:refs/heads/${BRANCH}`);
    await gitlab.emitPush(RPMS, { branch: BRANCH, before, after: bump, sender: 'provenpackager' });
    const back = await waitFor(() => gitlab.projects.mergeRequests.find((m) => m.project === SRC), {
      what: 'the source-git merge request',
      timeoutMs: 60_000,
    });
    expect(back).toMatchObject({ sourceProject: SRC, targetBranch: BRANCH, state: 'opened' });
    expect(show(SRC, back.sourceBranch, '.distro/hello.spec')).toMatch(/^Release:\s+5/m);
    const log = execFileSync('git', ['log', '-1', '--format=%B', back.sourceBranch], {
      cwd: gitlab.projects.get(SRC)!.dir,
      encoding: 'utf8',
    });
    expect(log).toContain(`From-dist-git-commit: ${bump}`);
  });

  it('comments on a dist-git push that changes the sources file instead of bringing it back', async () => {
    const before = dg.git('rev-parse', 'HEAD').trim();
    const change = dg.write('sources', 'SHA512 (hello-1.1.tar.gz) = 5678\n').commit('New sources');
    dg.git('push', '--quiet', gitlab.projects.cloneUrl(RPMS), `HEAD:refs/heads/${BRANCH}`);
    const mrs = gitlab.projects.mergeRequests.length;
    await gitlab.emitPush(RPMS, { branch: BRANCH, before, after: change, sender: 'provenpackager' });
    const comment = await waitFor(() => gitlab.projects.commitComments.find((c) => c.sha === change), {
      what: 'the commit comment',
      timeoutMs: 60_000,
    });
    expect(comment).toMatchObject({ project: RPMS, author: gitlab.botUser });
    expect(comment.note).toContain('cannot bring this push back');
    expect(comment.note).toContain('sources');
    expect(gitlab.projects.mergeRequests).toHaveLength(mrs);
    await waitFor(
      async () =>
        (await db.pool().query(`select status from stream.sync_runs where dist_git_sha = $1`, [change])).rows[0]
          ?.status === 'failure',
      { what: 'the sync run to be recorded as refused' },
    );
  });

  it('closes the dist-git merge request when the source-git one is closed', async () => {
    await gitlab.emitMergeRequest(SRC, { iid: MR, action: 'close', headSha: head, sender: 'maintainer' });
    await waitFor(() => distGitMrs()[0].state === 'closed', { what: 'the dist-git MR to close' });
    const { rows } = await db.pool().query(`select state from stream.mr_pairs`);
    expect(rows).toEqual([{ state: 'closed' }]);
  });

  it('reopens the dist-git merge request when the source-git one is reopened', async () => {
    await gitlab.emitMergeRequest(SRC, { iid: MR, action: 'reopen', headSha: head, sender: 'maintainer' });
    await waitFor(() => distGitMrs()[0].state === 'opened', { what: 'the dist-git MR to reopen' });
    await waitFor(async () => (await db.pool().query(`select state from stream.mr_pairs`)).rows[0].state === 'open', {
      what: 'the pair to be open again',
    });
    expect(distGitMrs()).toHaveLength(1);
  });
});
