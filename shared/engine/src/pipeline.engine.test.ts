import { describe, expect, it } from '@jest/globals';
import type { Plan } from '@packflow/config';
import { waitFor } from '@packflow/testing';
import type { PipelineState } from './engine.types.js';
import { ENGINE_DUE_CHANNEL } from './store/due.notify.js';
import { buildAndTestPlan, CHROOTS, engineFixture } from './testing/engine.fixture.js';

const f = engineFixture();

describe('PipelineEngine: running a plan', () => {
  it('starts the SRPM build, then all chroots at once, then each test as soon as its own chroot succeeds', async () => {
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    expect(f.fake.calls.map((c) => c.map((t) => t.target.target))).toEqual([['srpm-builds']]);
    expect((await f.statusOf(id)).steps.copr_build).toEqual(Object.fromEntries(CHROOTS.map((c) => [c, 'pending'])));

    await f.engine.signal(
      { kind: 'srpm_build', externalId: f.fake.calls[0][0].target.externalId! },
      { state: 'success' },
    );
    expect(f.fake.calls[1].map((t) => t.target.target)).toEqual(CHROOTS);
    expect(f.fake.calls[1][0].inputs.map((t) => t.kind)).toEqual(['srpm_build']);
    const coprId = f.fake.calls[1][0].target.externalId!;

    await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'started' });
    await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'success' });
    expect(f.fake.submittedTargets('tests')).toEqual([CHROOTS[0]]);
    const s = await f.statusOf(id);
    expect(s.steps.tests).toEqual({ [CHROOTS[0]]: 'queued', [CHROOTS[1]]: 'pending', [CHROOTS[2]]: 'pending' });
    expect(s.pipeline).toBe('running');
    expect(f.fake.calls.at(-1)![0].inputs.map((t) => t.target)).toEqual([CHROOTS[0]]);
  });

  it('skips the tests of a failed chroot with the reason, and ends the pipeline as failure', async () => {
    const { id, coprId } = await f.startAndBuildSrpm();
    await f.engine.signal(
      { kind: 'copr_build', externalId: coprId, target: CHROOTS[1] },
      { state: 'failure', reason: 'mock failed' },
    );
    for (const c of [CHROOTS[0], CHROOTS[2]])
      await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: c }, { state: 'success' });
    const tf = f.fake.calls.filter((c) => c[0].job === 'tests').flat();
    expect(tf.map((t) => t.target.target).sort()).toEqual([CHROOTS[0], CHROOTS[2]].sort());
    for (const t of tf)
      await f.engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
    const s = await f.statusOf(id);
    const skipped = s.state.steps.find((st) => st.job === 'tests')!.targets.find((t) => t.target === CHROOTS[1])!;
    expect(skipped).toMatchObject({ status: 'skipped', reason: `build ${CHROOTS[1]} failed` });
    expect(s.pipeline).toBe('failure');
    expect(s.state.steps.map((st) => st.status)).toEqual(['success', 'failure', 'skipped']);
  });

  it('skips everything downstream when the SRPM build fails', async () => {
    const id = await f.engine.start(buildAndTestPlan(), f.ctx);
    await f.engine.signal(
      { kind: 'srpm_build', externalId: f.fake.calls[0][0].target.externalId! },
      { state: 'failure' },
    );
    const s = await f.statusOf(id);
    expect(Object.values(s.steps.copr_build)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(s.state.steps[2].targets.every((t) => t.reason === 'SRPM build failed')).toBe(true);
    expect(f.fake.calls).toHaveLength(1);
  });

  it('applies the same result once, accepts an end before its start, and ignores results for unknown targets', async () => {
    const { id, coprId } = await f.startAndBuildSrpm();
    const ref = { kind: 'copr_build' as const, externalId: coprId, target: CHROOTS[0] };
    expect(await f.engine.signal(ref, { state: 'success' })).toMatchObject({ applied: true });
    expect(await f.engine.signal(ref, { state: 'success' })).toMatchObject({
      applied: false,
      note: 'target already success',
    });
    expect(await f.engine.signal(ref, { state: 'started' })).toMatchObject({ applied: false });
    expect(f.fake.submittedTargets('tests')).toEqual([CHROOTS[0]]);
    expect(await f.engine.signal({ kind: 'copr_build', externalId: 'nope' }, { state: 'success' })).toEqual({
      applied: false,
      note: 'unknown target',
    });
    const target = (await f.statusOf(id)).state.steps[1].targets.find((t) => t.target === CHROOTS[0])!;
    expect(target.startedAt).not.toBeNull();
    expect((target.data?.ignoredSignals as unknown[]).length).toBe(2);
  });
});

describe('PipelineEngine: supersede and cancel', () => {
  it('cancels the unfinished pipeline of the older commit and its running external work', async () => {
    const { id: old } = await f.startAndBuildSrpm();
    f.ctx.commitId = await f.newCommit('2'.repeat(40));
    const fresh = await f.engine.start(buildAndTestPlan(), f.ctx);
    const s = await f.statusOf(old);
    expect(s.pipeline).toBe('cancelled');
    expect(Object.values(s.steps.copr_build)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(s.state.steps[1].targets[0].reason).toBe('superseded by a newer commit');
    expect(f.fake.cancelled.map((t) => t.target.target).sort()).toEqual([...CHROOTS].sort());
    expect((await f.statusOf(fresh)).pipeline).toBe('queued');
  });

  it('keeps pipelines of other commits running with the independent strategy', async () => {
    const { id: old } = await f.startAndBuildSrpm();
    f.ctx.commitId = await f.newCommit('3'.repeat(40));
    await f.engine.start(buildAndTestPlan(), { ...f.ctx, strategy: 'independent' });
    expect((await f.statusOf(old)).pipeline).toBe('running');
  });

  it('records and ignores a result for a cancelled target', async () => {
    const { id, coprId } = await f.startAndBuildSrpm();
    await f.engine.cancelPipelines([id], 'pull request closed');
    expect(
      await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'success' }),
    ).toMatchObject({
      applied: false,
      note: 'target already cancelled',
    });
    expect(f.fake.submittedTargets('tests')).toEqual([]);
  });
});

/** Runs a pipeline to its end: chroot `failed` fails (its test is skipped), the rest succeed. */
async function finishedPipeline(failed = CHROOTS[1]) {
  const { id, coprId } = await f.startAndBuildSrpm();
  for (const c of CHROOTS) {
    await f.engine.signal(
      { kind: 'copr_build', externalId: coprId, target: c },
      { state: c === failed ? 'failure' : 'success' },
    );
  }
  for (const t of f.fake.calls.filter((c) => c[0].job === 'tests').flat()) {
    await f.engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
  }
  return id;
}

const idsOf = (state: PipelineState, job: string) =>
  Object.fromEntries(state.steps.find((s) => s.job === job)!.targets.map((t) => [t.target, t.id]));

describe('PipelineEngine: reruns', () => {
  it('rerunPipeline: everything again in new groups, recording what it reran', async () => {
    const original = await finishedPipeline();
    const before = f.fake.calls.length;
    const rerun = await f.engine.rerunPipeline(original);
    const [o, r] = [(await f.statusOf(original)).state, (await f.statusOf(rerun)).state];
    expect(r.rerunOf).toBe(original);
    for (const job of ['srpm_build', 'copr_build', 'tests']) {
      const [os, rs] = [o.steps.find((s) => s.job === job)!, r.steps.find((s) => s.job === job)!];
      expect(rs.rerunOf).toBe(os.id);
      expect(rs.targets.map((t) => t.id)).not.toEqual(expect.arrayContaining(os.targets.map((t) => t.id)));
      if (job !== 'srpm_build') expect(rs.targets[0].groupId).not.toBe(os.targets[0].groupId);
    }
    expect(f.fake.calls.slice(before).map((c) => c[0].job)).toEqual(['srpm_build']);
  });

  it('marks the report of the decision that created a pipeline (start, rerun) as its first, and no later one', async () => {
    const original = await finishedPipeline();
    const rerun = await f.engine.rerunPipeline(original);
    await f.engine.signal(
      { kind: 'srpm_build', externalId: f.fake.calls.at(-1)![0].target.externalId! },
      { state: 'started' },
    );
    await f.engine.idle();
    const reportsOf = (id: string) => f.fake.reports.filter((c) => c.pipeline.id === id);
    for (const id of [original, rerun]) {
      // Every target at once (its checks appear queued), nothing before it about this pipeline.
      const first = reportsOf(id).filter((c) => c.firstReport);
      expect(first).toHaveLength(7);
      expect(reportsOf(id).slice(0, 7)).toEqual(first);
    }
    expect(reportsOf(original).length).toBeGreaterThan(7);
    expect(reportsOf(rerun).slice(7)).toEqual([
      expect.objectContaining({ job: 'srpm_build', target: expect.objectContaining({ status: 'running' }) }),
    ]);
    expect(reportsOf(rerun)[7].firstReport).toBeUndefined();
  });

  it('rerunFrom: the step and what follows are new; the SRPM build is shared', async () => {
    const original = await finishedPipeline();
    const o = (await f.statusOf(original)).state;
    const copr = o.steps.find((s) => s.job === 'copr_build')!;
    const rerun = await f.engine.rerunFrom(copr.id);
    const r = (await f.statusOf(rerun)).state;
    expect(r.steps[0].targets[0].id).toBe(o.steps[0].targets[0].id);
    expect(r.steps[0].targets[0].status).toBe('success');
    expect(r.steps[1].targets.every((t) => t.attempt === 2 && t.status === 'queued')).toBe(true);
    expect(r.steps[1].targets[0].groupId).not.toBe(copr.targets[0].groupId);
    expect(f.fake.calls.at(-1)!.map((t) => t.target.target)).toEqual(CHROOTS);
  });

  it('rerunTargets: one chroot and its test are redone in the same groups, everything else is shared', async () => {
    const original = await finishedPipeline();
    const o = (await f.statusOf(original)).state;
    const copr = o.steps.find((s) => s.job === 'copr_build')!;
    const rerun = await f.engine.rerunTargets(copr.id, [CHROOTS[1]]);
    const r = (await f.statusOf(rerun)).state;
    const [oCopr, rCopr, oTests, rTests] = [
      idsOf(o, 'copr_build'),
      idsOf(r, 'copr_build'),
      idsOf(o, 'tests'),
      idsOf(r, 'tests'),
    ];
    for (const c of [CHROOTS[0], CHROOTS[2]]) {
      expect(rCopr[c]).toBe(oCopr[c]);
      expect(rTests[c]).toBe(oTests[c]);
    }
    expect(rCopr[CHROOTS[1]]).not.toBe(oCopr[CHROOTS[1]]);
    expect(rTests[CHROOTS[1]]).not.toBe(oTests[CHROOTS[1]]);
    expect(r.steps[1].targets.every((t) => t.groupId === copr.targets[0].groupId)).toBe(true);
    expect(r.steps[1].targets.find((t) => t.target === CHROOTS[1])).toMatchObject({ attempt: 2, status: 'queued' });
    expect(f.fake.calls.at(-1)!.map((t) => t.target.target)).toEqual([CHROOTS[1]]);
    // The redone chroot succeeds: only its test starts, and the rerun completes.
    await f.engine.signal(
      { kind: 'copr_build', externalId: f.fake.calls.at(-1)![0].target.externalId!, target: CHROOTS[1] },
      { state: 'success' },
    );
    const test = f.fake.calls.at(-1)!;
    expect(test.map((t) => [t.job, t.target.target])).toEqual([['tests', CHROOTS[1]]]);
    await f.engine.signal({ kind: 'tests', externalId: test[0].target.externalId! }, { state: 'success' });
    expect((await f.statusOf(rerun)).pipeline).toBe('success');
    expect((await f.statusOf(original)).pipeline).toBe('failure');
  });

  it('rerunFailed: every failed target and what depends on it, in one new pipeline', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const rerun = await f.engine.rerunFailed(original);
    const r = (await f.statusOf(rerun)).state;
    expect(r.steps[1].targets.filter((t) => t.attempt === 2).map((t) => t.target)).toEqual([CHROOTS[2]]);
    expect(r.steps[2].targets.filter((t) => t.attempt === 2).map((t) => t.target)).toEqual([CHROOTS[2]]);
    expect((await f.statusOf(rerun)).state.rerunOf).toBe(original);
    await expect(f.engine.rerunFailed(rerun)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a second live rerun of the same kind, and any rerun of a superseded pipeline', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const first = await f.engine.rerunFailed(original);
    await expect(f.engine.rerunFailed(original)).rejects.toMatchObject({
      code: 'conflict',
      message: `a failed rerun of pipeline ${original} is running: pipeline ${first}`,
    });
    expect(await f.engine.rerunPipeline(original)).not.toBe(first);
    f.ctx.commitId = await f.newCommit('2'.repeat(40));
    await f.engine.start(buildAndTestPlan(), f.ctx);
    await expect(f.engine.rerunPipeline(original)).rejects.toMatchObject({
      code: 'conflict',
      message: `pipeline ${original} was superseded by a newer commit`,
    });
  });

  it('a record-only engine (the web) decides a rerun; the worker engine submits and reports it when it reconciles', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const calls = f.fake.calls.length;
    const web = f.newEngine({ jobs: {} }, { recordOnly: true });
    // The workers are told at commit (they LISTEN and reconcile at once).
    const listener = await f.pool.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query(`listen ${ENGINE_DUE_CHANNEL}`);
    const rerun = await web.rerunFailed(original);
    await waitFor(() => notified.length > 0, { what: 'the due notification' }).finally(() => listener.release());
    expect(notified).toEqual([ENGINE_DUE_CHANNEL]);
    expect(f.fake.calls.length).toBe(calls);
    expect((await f.statusOf(rerun)).steps.copr_build[CHROOTS[2]]).toBe('queued');
    const reports = f.fake.reports.length;
    const worker = f.newEngine(f.fake.activities());
    expect(await worker.reconcile()).toMatchObject({ resubmitted: 1, reported: 1 });
    await worker.idle();
    expect(f.fake.calls.slice(calls).map((c) => c.map((t) => [t.job, t.target.target]))).toEqual([
      [['copr_build', CHROOTS[2]]],
    ]);
    expect(f.fake.reports.slice(reports).some((c) => c.pipelineIds.includes(rerun))).toBe(true);
  });

  it('rerunMatching (/packit test): every test again, only the builds that did not succeed', async () => {
    const original = await finishedPipeline(CHROOTS[0]);
    const rerun = await f.engine.rerunMatching(
      original,
      (step, t) => step.job === 'tests' || (step.job !== 'tests' && t.status !== 'success'),
      { kind: 'test' },
    );
    const [o, r] = [(await f.statusOf(original)).state, (await f.statusOf(rerun)).state];
    const [oCopr, rCopr, oTests, rTests] = [
      idsOf(o, 'copr_build'),
      idsOf(r, 'copr_build'),
      idsOf(o, 'tests'),
      idsOf(r, 'tests'),
    ];
    expect(rCopr[CHROOTS[0]]).not.toBe(oCopr[CHROOTS[0]]);
    expect(rCopr[CHROOTS[1]]).toBe(oCopr[CHROOTS[1]]);
    for (const c of CHROOTS) expect(rTests[c]).not.toBe(oTests[c]);
    // Tests of the reused chroots start at once; the rebuilt chroot's test waits for its build.
    const s = await f.statusOf(rerun);
    expect(s.steps.tests).toEqual({ [CHROOTS[0]]: 'pending', [CHROOTS[1]]: 'queued', [CHROOTS[2]]: 'queued' });
    // Every target of the new pipeline was reported, so its checks appear at once.
    await f.engine.idle();
    expect(
      new Set(f.fake.reports.filter((c) => c.pipelineIds.includes(rerun)).map((c) => `${c.target.kind}:${c.target.id}`))
        .size,
    ).toBe(7);
  });

  it('shares a target that is still running: its result completes both pipelines, and it ran once', async () => {
    const { id, coprId } = await f.startAndBuildSrpm();
    const copr = (await f.statusOf(id)).state.steps[1];
    await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'failure' });
    const rerun = await f.engine.rerunTargets(copr.id, [CHROOTS[0]]);
    await f.engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[1] }, { state: 'success' });
    const [a, b] = [(await f.statusOf(id)).steps.copr_build, (await f.statusOf(rerun)).steps.copr_build];
    expect(a[CHROOTS[1]]).toBe('success');
    expect(b[CHROOTS[1]]).toBe('success');
    expect(f.fake.submittedTargets('copr_build').filter((t) => t === CHROOTS[1])).toHaveLength(1);
    // Its test was queued once, though two pipelines were waiting for that chroot.
    expect(f.fake.submittedTargets('tests').filter((t) => t === CHROOTS[1])).toHaveLength(1);
  });
});

describe('PipelineEngine: jobs nothing runs', () => {
  it('errors the targets of a job this deployment has no activity for, saying so, and skips what needs them', async () => {
    f.engine = f.newEngine({ jobs: { srpm_build: f.fake.definition() }, report: f.fake.activities().report });
    const plan: Plan = {
      steps: [
        {
          id: 'koji:hello',
          package: 'hello',
          job: 'upstream_koji_build',
          identifier: null,
          trigger: 'pull_request',
          targets: ['f41'],
          options: {},
        },
        {
          id: 'bodhi:hello',
          package: 'hello',
          job: 'bodhi_update',
          identifier: null,
          trigger: 'pull_request',
          targets: ['f41'],
          options: {},
        },
      ],
      edges: [{ from: 'koji:hello', to: 'bodhi:hello', target: null }],
      skipped: [],
    };
    const id = await f.engine.start(plan, f.ctx);
    const { state } = await f.statusOf(id);
    expect(state.steps[0].targets[0]).toMatchObject({
      status: 'error',
      reason: 'this deployment cannot run upstream_koji_build jobs',
    });
    expect(state.steps[1].targets[0]).toMatchObject({ status: 'skipped' });
  });
});
