// A pull request end to end: scheduler and upstream worker as separate apps, real
// PostgreSQL and NATS, fake GitHub, Copr and Testing Farm reached through the real
// clients. Every wait is for a condition.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGithub } from '@packflow/forges/testing';
import { waitFor, type FakeCopr, type FakeTestingFarm, type TestDatabase } from '@packflow/testing';
import { buildAndTestConfig, startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/widget';
const SHA = 'c0ffee'.padEnd(40, '0');
const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let db: TestDatabase;
let github: FakeGithub;
let copr: FakeCopr;
let tf: FakeTestingFarm;

beforeAll(async () => {
  stack = await startUpstreamStack(logger);
  ({ db, github, copr, tf } = stack);
  const notifications =
    'notifications:\n  failure_comment:\n    message: "Something failed, see {{ packit_dashboard_url }}"';
  github.setFile(REPO, SHA, '.packit.yaml', buildAndTestConfig(CHROOTS, notifications));
  github.setPullRequestFiles(REPO, 7, [{ filename: 'src/widget.c' }]);
  github.setPermission(REPO, 'maintainer', 'write');
  github.setPermission(REPO, 'drive-by', 'read');
});

afterAll(() => stack?.close());

const check = (name: string) => github.checkRuns.filter((c) => c.name === name && c.headSha === SHA).at(-1);
/** Waits until packflow recorded the Testing Farm request (its notification is matched by id). */
const recorded = (requestId: string) =>
  waitFor(() => stack.recordedTestRequest(requestId), { what: `request ${requestId} to be recorded` });
const requestFor = (chroot: string, after = 0) =>
  [...tf.testRequests.values()].slice(after).find((r) => JSON.stringify(r.request).includes(`:${chroot}"`));

describe('a pull request, end to end', () => {
  it('builds, tests and reports every chroot; tests start as soon as their own build succeeds', async () => {
    const sent = await github.emitPullRequest(REPO, { number: 7, headSha: SHA, sender: 'maintainer' });
    expect(sent.status).toBe(202);

    // Check runs appear queued for every build and test.
    await waitFor(() => CHROOTS.every((c) => check(`rpm-build:${c}`) && check(`testing-farm:${c}`)), {
      what: 'queued check runs',
      timeoutMs: 30_000,
    });
    for (const c of CHROOTS) expect(check(`testing-farm:${c}`)!.history[0].status).toBe('queued');

    // Copr builds the SRPM, then the chroots in the same build.
    const build = await stack.coprBuild();
    await copr.startBuild(build.id, 'srpm-builds');
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) === CHROOTS.length, {
      what: 'the chroot builds to be submitted',
    });

    for (const c of CHROOTS.slice(0, 2)) {
      await copr.startBuild(build.id, c);
      await copr.finishBuild(build.id, c, 'succeeded');
    }
    // Tests for the two good chroots start before the third build ends.
    await waitFor(() => requestFor(CHROOTS[0]) && requestFor(CHROOTS[1]), {
      what: 'Testing Farm requests for the good chroots',
    });
    expect(tf.testRequests.size).toBe(2);
    await copr.startBuild(build.id, CHROOTS[2]);
    await copr.finishBuild(build.id, CHROOTS[2], 'failed');

    await recorded(requestFor(CHROOTS[0])!.id);
    await recorded(requestFor(CHROOTS[1])!.id);
    await tf.finish(requestFor(CHROOTS[0])!.id, 'passed', [
      { name: '/tests/smoke', result: 'passed', durationSeconds: 3 },
    ]);
    await tf.finish(requestFor(CHROOTS[1])!.id, 'failed', [
      { name: '/tests/smoke', result: 'failed', durationSeconds: 4 },
    ]);

    // The two notifications are handled concurrently: wait for every final check, in any order.
    await waitFor(
      () =>
        check(`testing-farm:${CHROOTS[0]}`)?.status === 'completed' &&
        check(`testing-farm:${CHROOTS[1]}`)?.conclusion === 'failure' &&
        check(`testing-farm:${CHROOTS[2]}`)?.status === 'completed',
      { what: 'final check runs' },
    );
    expect(check(`rpm-build:${CHROOTS[0]}`)!.conclusion).toBe('success');
    expect(check(`rpm-build:${CHROOTS[2]}`)!.conclusion).toBe('failure');
    expect(check(`testing-farm:${CHROOTS[0]}`)!.conclusion).toBe('success');
    const skipped = check(`testing-farm:${CHROOTS[2]}`)!;
    expect(skipped.conclusion).toBe('skipped');
    expect(skipped.title).toContain(`build ${CHROOTS[2]} failed`);
    expect(tf.testRequests.size).toBe(2);
    // Every check run was created once and updated in place (its id recorded): one per name, queued first.
    const runs = github.checkRunsFor(REPO, SHA);
    expect(runs).toHaveLength(1 + 2 * CHROOTS.length);
    expect(new Set(runs.map((r) => r.name)).size).toBe(runs.length);
    for (const run of runs) expect(run.history.length > 1 && run.history[0].status === 'queued').toBe(true);
    // notifications.failure_comment: one comment per failed target, naming it.
    const failures = await waitFor(
      () => {
        const found = github.comments.filter((c) => c.body.startsWith('Something failed, see http'));
        return found.length === 2 ? found : undefined;
      },
      { what: 'the failure comments' },
    );
    expect(failures.map((c) => c.body.split('(')[1].split(':').slice(0, 2).join(':')).sort()).toEqual([
      `rpm-build:${CHROOTS[2]}`,
      `testing-farm:${CHROOTS[1]}`,
    ]);
    // The Testing Farm results are in the results store, as KCIDB tests of origin packflow.
    const { rows } = await db
      .pool()
      .query(`select path, status from shared.kcidb_tests where origin = 'packflow' order by status`);
    expect(rows).toEqual([
      { path: 'tests.smoke', status: 'FAIL' },
      { path: 'tests.smoke', status: 'PASS' },
    ]);
  });

  it('/packit retest-failed from a collaborator reruns only the failed test', async () => {
    const before = tf.testRequests.size;
    await github.emitIssueComment(REPO, 7, '/packit retest-failed', { sender: 'maintainer' });
    await waitFor(() => tf.testRequests.size > before, { what: 'a new Testing Farm request' });
    const rerun = [...tf.testRequests.values()].slice(before);
    expect(rerun).toHaveLength(1);
    expect(JSON.stringify(rerun[0].request)).toContain(CHROOTS[1]);
    expect(copr.builds.size).toBe(1);
    await recorded(rerun[0].id);
    await tf.finish(rerun[0].id, 'passed', [{ name: '/tests/smoke', result: 'passed' }]);
    await waitFor(() => check(`testing-farm:${CHROOTS[1]}`)?.conclusion === 'success', {
      what: 'the retested check to pass',
    });
  });

  it('the same comment from someone without write access runs nothing and gets a reply', async () => {
    const [requests, pipelines] = [
      tf.testRequests.size,
      (await db.pool().query('select count(*)::int as n from shared.pipelines')).rows[0].n,
    ];
    await github.emitIssueComment(REPO, 7, '/packit retest-failed', { sender: 'drive-by' });
    const reply = await waitFor(() => github.comments.find((c) => c.body.includes('@drive-by')), { what: 'the reply' });
    expect(reply.body).toContain('write access');
    expect(tf.testRequests.size).toBe(requests);
    expect((await db.pool().query('select count(*)::int as n from shared.pipelines')).rows[0].n).toBe(pipelines);
  });

  it('"Re-run" on one chroot rebuilds that chroot and reruns its test only', async () => {
    const [builds, requests] = [copr.builds.size, tf.testRequests.size];
    await github.emitCheckRunEvent(check(`rpm-build:${CHROOTS[2]}`)!.id, {
      action: 'rerequested',
      sender: 'maintainer',
      pullRequest: 7,
    });
    const rebuild = await waitFor(() => [...copr.builds.values()].slice(builds)[0], { what: 'a new Copr build' });
    expect([...rebuild.chroots.keys()]).toEqual([CHROOTS[2]]);
    await waitFor(async () => (await stack.recordedChrootBuilds(rebuild.id)) === 1, {
      what: 'the rebuild to be recorded',
    });
    await copr.startBuild(rebuild.id, CHROOTS[2]);
    await copr.finishBuild(rebuild.id, CHROOTS[2], 'succeeded');
    await waitFor(() => tf.testRequests.size === requests + 1, { what: 'the test of the rebuilt chroot' });
    expect(JSON.stringify([...tf.testRequests.values()].at(-1)!.request)).toContain(CHROOTS[2]);
    expect(copr.builds.size).toBe(builds + 1);
  });
});

describe('a Testing Farm notification that outruns packflow', () => {
  it('is applied once packflow has recorded the request, not left to the poll', async () => {
    const [sha, chroot] = ['feed'.padEnd(40, '1'), CHROOTS[1]];
    github.setFile(REPO, sha, '.packit.yaml', buildAndTestConfig([chroot]));
    github.setPullRequestFiles(REPO, 8, [{ filename: 'src/widget.c' }]);
    const testCheck = () =>
      github.checkRuns.filter((c) => c.name === `testing-farm:${chroot}` && c.headSha === sha).at(-1);
    const requests = tf.testRequests.size;
    // Testing Farm takes the request, but its answer reaches packflow only after the test
    // has run and Testing Farm has notified: a test that ends at once.
    const submit = tf.holdNext('POST', /\/requests$/, { afterDoing: true });
    expect((await github.emitPullRequest(REPO, { number: 8, headSha: sha, sender: 'maintainer' })).status).toBe(202);
    const build = await stack.coprBuild((builds) => builds.find((b) => b.chroots.has(chroot) && b.chroots.size === 1));
    await copr.startBuild(build.id, 'srpm-builds');
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) === 1, {
      what: 'the chroot build to be submitted',
    });
    await copr.startBuild(build.id, chroot);
    await copr.finishBuild(build.id, chroot, 'succeeded');

    await submit.arrived;
    const request = [...tf.testRequests.values()].slice(requests)[0];
    expect((await tf.finish(request.id, 'passed')).status).toBe(202);
    // The worker has read the finished request (the notification reached it) before the
    // submission's answer, so the engine had no target with this request id.
    await waitFor(() => tf.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/requests/${request.id}`)), {
      what: 'the worker to read the notified request',
    });
    expect(await stack.recordedTestRequest(request.id)).toBe(false);
    submit.release();

    await waitFor(() => testCheck()?.status === 'completed', {
      what: 'the test check run to complete',
      timeoutMs: 30_000,
    });
    expect(testCheck()!.conclusion).toBe('success');
    const { rows } = await db
      .pool()
      .query(`select count(*)::int as n from shared.kcidb_tests where environment_comment = $1`, [
        `Testing Farm request ${request.id}`,
      ]);
    expect(rows[0].n).toBe(1);
  });
});
