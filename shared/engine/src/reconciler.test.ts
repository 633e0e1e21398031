// The engine after crashes and outages: deadlines, polls, lost answers and lost reports
// picked up by the reconciler, and which pipelines each deployment's reconciler takes.
import { describe, expect, it } from '@jest/globals';
import { retryable } from './testing/fake-activities.js';
import { buildAndTestPlan, CHROOTS, engineFixture } from './testing/engine.fixture.js';

const f = engineFixture();

/** The test's project moves to an instance of its own: what earlier tests left overdue is not in its way. */
async function onInstanceOfItsOwn(): Promise<void> {
  await f.pool.query(`update shared.projects set instance_url = 'https://github.example' where id = $1`, [
    f.ctx.projectId,
  ]);
}

describe('PipelineEngine: deadlines, crashes and races', () => {
  it('polls a target past its deadline and applies the answer like a signal', async () => {
    f.engine = f.newEngine(f.fake.activities({ pollAfterMs: 0 }));
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    f.fake.pollAnswers.set(f.fake.calls[0][0].target.externalId!, { state: 'success' });
    const result = await f.engine.reconcile();
    expect(result.polled).toBeGreaterThanOrEqual(1);
    expect((await f.statusOf(id)).steps.srpm_build['srpm-builds']).toBe('success');
    expect(f.fake.submittedTargets('copr_build')).toEqual(CHROOTS);
  });

  it('errors a target with "timed out" when no answer comes before the final deadline', async () => {
    f.engine = f.newEngine(f.fake.activities({ pollAfterMs: 0, finalDeadlineMs: 0 }));
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    await f.engine.reconcile();
    const s = await f.statusOf(id);
    expect(s.state.steps[0].targets[0]).toMatchObject({ status: 'error', reason: 'timed out' });
    expect(s.state.steps[1].targets[0]).toMatchObject({ status: 'skipped', reason: 'SRPM build failed' });
  });

  it('retries a submission whose answer was lost with the same idempotency key, so the activity can adopt it', async () => {
    // The activity is the one that can look at the service; the real Copr and Testing Farm
    // activities adopting what the first call created are proven in the upstream
    // ecosystem's idempotent-submit.test.ts against fakes that build twice when asked twice.
    f.engine = f.newEngine(f.fake.activities(), { submitLeaseMs: 0 });
    f.fake.failAfterSubmit.set('srpm_build', retryable('connection reset after the build was created'));
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    expect((await f.statusOf(id)).state.steps[0].targets[0].externalId).toBeNull();
    // A fresh engine (the old one is gone) reconciles: same idempotency key.
    const again = f.newEngine(f.fake.activities());
    expect((await again.reconcile()).resubmitted).toBe(1);
    const key = f.fake.calls[0][0].idempotencyKey;
    expect(f.fake.calls.map((c) => c[0].idempotencyKey)).toEqual([key, key]);
    // This fake does not deduplicate: what the engine records is what the retry answered.
    expect(f.fake.submitted.get(key)).toHaveLength(2);
    expect((await f.statusOf(id)).state.steps[0].targets[0].externalId).toBe(f.fake.submitted.get(key)![1]);
  });

  it('reports again, from the reconciler, a change whose report failed, with every target as it is now', async () => {
    f.engine = f.newEngine(f.fake.activities(), { reportGraceMs: 0 });
    f.fake.failReports = 1;
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    await f.engine.idle();
    expect(f.fake.reports).toEqual([]);
    expect((await f.engine.reconcile()).reported).toBe(1);
    await f.engine.idle();
    const targets = (await f.engine.getState(id)).steps.flatMap((s) => s.targets.map((t) => t.id));
    expect(f.fake.reports.map((r) => r.target.id).sort()).toEqual(targets.sort());
    expect(f.fake.reports.every((r) => r.pipelineIds.join() === id)).toBe(true);
    // caught up: nothing more to report
    expect((await f.engine.reconcile()).reported).toBe(0);
  });

  it('does not report again what went out', async () => {
    f.engine = f.newEngine(f.fake.activities(), { reportGraceMs: 0 });
    const { id } = await f.startAndBuildSrpm();
    await f.engine.idle();
    const sent = f.fake.reports.length;
    expect(sent).toBeGreaterThan(0);
    expect((await f.engine.reconcile()).reported).toBe(0);
    const { rows } = await f.pool.query('select report_seq, reported_seq from shared.pipelines where id = $1', [id]);
    expect(rows[0].reported_seq).toBe(rows[0].report_seq);
    expect(f.fake.reports).toHaveLength(sent);
  });

  it('reports what a crashed instance committed but never reported, once the grace period is over', async () => {
    // The first instance dies with its report in flight: it never resolves.
    const crashed = f.newEngine(
      { ...f.fake.activities(), report: () => new Promise<void>(() => {}) },
      { reportGraceMs: 60_000 },
    );
    const id = await crashed.start(buildAndTestPlan(), f.ctx);
    const survivor = f.newEngine(f.fake.activities(), { reportGraceMs: 60_000 });
    expect((await survivor.reconcile()).reported).toBe(0); // still within the grace period
    await f.pool.query(`update shared.pipelines set report_retry_at = now() - interval '1 second' where id = $1`, [id]);
    expect((await survivor.reconcile()).reported).toBe(1);
    await survivor.idle();
    expect(f.fake.reports.map((r) => r.target.target)).toEqual(expect.arrayContaining(['srpm-builds', ...CHROOTS]));
  });

  it('retries a report that keeps failing with doubling delays, and gives up after ten tries', async () => {
    f.engine = f.newEngine(f.fake.activities(), { reportGraceMs: 1000 });
    f.fake.failReports = 1000;
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    await f.engine.idle();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      await f.pool.query(`update shared.pipelines set report_retry_at = now() - interval '1 second' where id = $1`, [
        id,
      ]);
      expect((await f.engine.reconcile()).reported).toBe(0);
      await f.engine.idle();
      const { rows } = await f.pool.query(
        `select report_attempts, round(extract(epoch from report_retry_at - now()))::int as delay from shared.pipelines where id = $1`,
        [id],
      );
      if (rows[0].delay > 0) delays.push(rows[0].delay);
      if (i >= 10) expect(rows[0].report_attempts).toBe(10);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 32, 32, 32, 32]);
    expect(f.fake.failReports).toBe(1000 - 11); // the first report and ten retries
  });

  it('leaves to other deployments the targets and reports of projects on instances it does not serve', async () => {
    f.fake.failReports = 1;
    const id = await f.newEngine(f.fake.activities(), { reportGraceMs: 0 }).start(buildAndTestPlan(), f.ctx);
    await f.pool.query(`update upstream.srpm_builds set deadline_at = now() - interval '1 second' where id = $1`, [
      (await f.engine.getState(id)).steps[0].targets[0].id,
    ]);
    f.fake.pollAnswers.set(f.fake.calls[0][0].target.externalId!, { state: 'success' });
    const gitlabOnly = f.newEngine(f.fake.activities({ pollAfterMs: 0 }), {
      reportGraceMs: 0,
      instances: ['https://gitlab.com'],
    });
    expect(await gitlabOnly.reconcile()).toEqual({ resubmitted: 0, polled: 0, timedOut: 0, reported: 0 });
    const githubToo = f.newEngine(f.fake.activities({ pollAfterMs: 0 }), {
      reportGraceMs: 0,
      instances: ['https://gitlab.com', 'https://github.com'],
    });
    expect((await githubToo.reconcile()).polled).toBeGreaterThanOrEqual(1);
    await githubToo.idle();
    expect((await f.statusOf(id)).steps.srpm_build['srpm-builds']).toBe('success');
    const { rows } = await f.pool.query(
      'select report_seq = reported_seq as caught_up from shared.pipelines where id = $1',
      [id],
    );
    expect(rows[0].caught_up).toBe(true);
  });

  it('keeps nothing in memory: a new engine instance carries on a pipeline mid-way', async () => {
    const { id, coprId } = await f.startAndBuildSrpm();
    f.engine = f.newEngine(f.fake.activities());
    for (const c of CHROOTS)
      await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: c }, { state: 'success' });
    f.engine = f.newEngine(f.fake.activities());
    for (const t of f.fake.calls.filter((c) => c[0].job === 'tests').flat()) {
      await f.engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
    }
    expect((await f.statusOf(id)).pipeline).toBe('success');
  });

  it('loses no update and starts no test twice when every chroot result arrives at the same instant', async () => {
    const chroots = Array.from({ length: 8 }, (_, i) => `fedora-${40 + i}-x86_64`);
    const id = await f.engine.start(buildAndTestPlan(chroots), f.ctx);
    await f.engine.signal(
      { kind: 'srpm_build', externalId: f.fake.calls[0][0].target.externalId! },
      { state: 'success' },
    );
    const coprId = f.fake.calls[1][0].target.externalId!;
    // Separate engines, as separate workers would be, all at once.
    const workers = chroots.map(() => f.newEngine(f.fake.activities()));
    const outcomes = await Promise.all(
      chroots.flatMap((c, i) => [
        workers[i].signal({ kind: 'copr_build', externalId: coprId, target: c }, { state: 'success' }),
        workers[(i + 1) % chroots.length].signal(
          { kind: 'copr_build', externalId: coprId, target: c },
          { state: 'success' },
        ),
      ]),
    );
    expect(outcomes.filter((o) => o.applied)).toHaveLength(chroots.length);
    const s = await f.statusOf(id);
    expect(Object.values(s.steps.copr_build).every((x) => x === 'success')).toBe(true);
    expect(Object.values(s.steps.tests).every((x) => x === 'queued')).toBe(true);
    // The step's own status too: the decision that came last saw every other chroot's result.
    expect(s.state.steps.find((st) => st.job === 'copr_build')!.status).toBe('success');
    expect(f.fake.submittedTargets('tests').sort()).toEqual([...chroots].sort());
  });

  it('two deployments on one instance: each reconciler resumes only the pipelines it started', async () => {
    await onInstanceOfItsOwn();
    const deployment = (owner: string) =>
      f.newEngine(f.fake.activities(), { reportGraceMs: 0, instances: ['https://github.example'], owner });
    const app42 = deployment('upstream-app-42');
    const app43 = deployment('upstream-app-43');
    // Each starts a pipeline whose reports are lost and whose SRPM build's answer never comes.
    f.fake.failReports = 1000;
    const of42 = await app42.start(buildAndTestPlan(), { ...f.ctx, strategy: 'independent' });
    const of43 = await app43.start(buildAndTestPlan(), {
      ...f.ctx,
      strategy: 'independent',
      commitId: await f.newCommit('2'.repeat(40)),
    });
    await Promise.all([app42.idle(), app43.idle()]);
    const { rows } = await f.pool.query(
      'select id::text, owner from shared.pipelines where id = any($1::bigint[]) order by id',
      [[of42, of43]],
    );
    expect(rows).toEqual([
      { id: of42, owner: 'upstream-app-42' },
      { id: of43, owner: 'upstream-app-43' },
    ]);
    const srpmOf = async (id: string) => (await f.engine.getState(id)).steps[0].targets[0];
    for (const id of [of42, of43]) {
      const srpm = await srpmOf(id);
      await f.pool.query(`update upstream.srpm_builds set deadline_at = now() - interval '1 second' where id = $1`, [
        srpm.id,
      ]);
      f.fake.pollAnswers.set(srpm.externalId!, { state: 'success' });
    }
    f.fake.failReports = 0;

    expect(await app43.reconcile()).toMatchObject({ polled: 1, reported: 1 });
    await app43.idle();
    expect(new Set(f.fake.reports.flatMap((r) => r.pipelineIds))).toEqual(new Set([of43]));
    expect((await srpmOf(of43)).status).toBe('success');
    expect((await srpmOf(of42)).status).toBe('queued');

    expect(await app42.reconcile()).toMatchObject({ polled: 1, reported: 1 });
    await app42.idle();
    expect((await srpmOf(of42)).status).toBe('success');
    expect(new Set(f.fake.reports.flatMap((r) => r.pipelineIds))).toEqual(new Set([of42, of43]));
  });

  it('a rerun recorded without an owner (the web) stays with the deployment of its original', async () => {
    await onInstanceOfItsOwn();
    const app42 = f.newEngine(f.fake.activities(), { owner: 'upstream-app-42', instances: ['https://github.example'] });
    const id = await app42.start(buildAndTestPlan(), f.ctx);
    const web = f.newEngine({ jobs: {} }, { recordOnly: true });
    const rerun = await web.rerunPipeline(id);
    const { rows } = await f.pool.query('select owner from shared.pipelines where id = $1', [rerun]);
    expect(rows[0].owner).toBe('upstream-app-42');
    const app43 = f.newEngine(f.fake.activities(), { owner: 'upstream-app-43', instances: ['https://github.example'] });
    expect((await app43.reconcile()).resubmitted).toBe(0);
    expect((await app42.reconcile()).resubmitted).toBe(1);
  });

  it('pipelines without an owner (from before owners) go to the deployments serving their instance', async () => {
    f.fake.failReports = 1;
    const id = await f.newEngine(f.fake.activities(), { reportGraceMs: 0 }).start(buildAndTestPlan(), f.ctx);
    const owned = f.newEngine(f.fake.activities(), { reportGraceMs: 0, instances: ['https://github.com'], owner: 'a' });
    expect((await owned.reconcile()).reported).toBe(1);
    await owned.idle();
    const { rows } = await f.pool.query(
      'select owner, report_seq = reported_seq as caught_up from shared.pipelines where id = $1',
      [id],
    );
    expect(rows[0]).toEqual({ owner: null, caught_up: true });
  });
});
