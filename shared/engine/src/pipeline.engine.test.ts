import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Plan } from '@packflow/config';
import { createTestDatabase, waitFor, type TestDatabase } from '@packflow/testing';
import { UPSTREAM_KINDS } from '@packflow/upstream';
import { createEngine, type EngineOptions, type PipelineEngine } from './pipeline.engine.js';
import type { EngineActivities } from './engine.types.js';
import { ENGINE_DUE_CHANNEL } from './store/due.notify.js';
import { FakeActivities, retryable } from './testing/fake-activities.js';

const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];

function buildAndTestPlan(chroots = CHROOTS): Plan {
  return {
    steps: [
      {
        id: 'srpm_build:hello',
        package: 'hello',
        job: 'srpm_build',
        identifier: null,
        trigger: 'pull_request',
        targets: ['srpm-builds'],
        options: {},
      },
      {
        id: 'copr_build:hello',
        package: 'hello',
        job: 'copr_build',
        identifier: null,
        trigger: 'pull_request',
        targets: chroots,
        options: { owner: 'packit' },
      },
      {
        id: 'tests:hello',
        package: 'hello',
        job: 'tests',
        identifier: null,
        trigger: 'pull_request',
        targets: chroots,
        options: {},
      },
    ],
    edges: [
      { from: 'srpm_build:hello', to: 'copr_build:hello', target: null },
      ...chroots.map((c) => ({ from: 'copr_build:hello', to: 'tests:hello', target: c })),
    ],
    skipped: [],
  };
}

/** An engine on the test database with the upstream ecosystem's item kinds. */
const newEngine = (
  activities: EngineActivities,
  options: Omit<EngineOptions, 'db' | 'kinds' | 'activities'> = {},
): PipelineEngine => createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities, ...options });

let db: TestDatabase;
let pool: pg.Pool;
let fake: FakeActivities;
let engine: PipelineEngine;
let ctx: { projectId: string; commitId: string; trigger: string };
let refId: string;

async function newCommit(sha: string): Promise<string> {
  const { rows } = await pool.query(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [ctx.projectId, refId, sha],
  );
  return rows[0].id;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(() => db.drop());

let repo = 0;
beforeEach(async () => {
  const project = await pool.query(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1) returning id::text`,
    [`hello-${++repo}`],
  );
  const projectId = project.rows[0].id;
  refId = (
    await pool.query(
      `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '7') returning id::text`,
      [projectId],
    )
  ).rows[0].id;
  ctx = { projectId, commitId: '', trigger: 'pull_request' };
  ctx.commitId = await newCommit('1'.repeat(40));
  fake = new FakeActivities();
  engine = newEngine(fake.activities());
});

const statusOf = async (pipelineId: string) => {
  const state = await engine.getState(pipelineId);
  return {
    pipeline: state.status,
    steps: Object.fromEntries(
      state.steps.map((s) => [s.job, Object.fromEntries(s.targets.map((t) => [t.target, t.status]))]),
    ),
    state,
  };
};

/** Drives a pipeline to the point where every Copr chroot has been submitted. */
async function startAndBuildSrpm(plan = buildAndTestPlan()) {
  const id = await engine.start(plan, ctx);
  const srpm = fake.calls[0][0];
  await engine.signal({ kind: 'srpm_build', externalId: srpm.target.externalId! }, { state: 'success' });
  const coprId = fake.calls[1][0].target.externalId!;
  return { id, coprId };
}

describe('PipelineEngine: running a plan', () => {
  it('starts the SRPM build, then all chroots at once, then each test as soon as its own chroot succeeds', async () => {
    const id = await engine.start(buildAndTestPlan(), ctx);
    expect(fake.calls.map((c) => c.map((t) => t.target.target))).toEqual([['srpm-builds']]);
    expect((await statusOf(id)).steps.copr_build).toEqual(Object.fromEntries(CHROOTS.map((c) => [c, 'pending'])));

    await engine.signal({ kind: 'srpm_build', externalId: fake.calls[0][0].target.externalId! }, { state: 'success' });
    expect(fake.calls[1].map((t) => t.target.target)).toEqual(CHROOTS);
    expect(fake.calls[1][0].inputs.map((t) => t.kind)).toEqual(['srpm_build']);
    const coprId = fake.calls[1][0].target.externalId!;

    await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'started' });
    await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'success' });
    expect(fake.submittedTargets('tests')).toEqual([CHROOTS[0]]);
    const s = await statusOf(id);
    expect(s.steps.tests).toEqual({ [CHROOTS[0]]: 'queued', [CHROOTS[1]]: 'pending', [CHROOTS[2]]: 'pending' });
    expect(s.pipeline).toBe('running');
    expect(fake.calls.at(-1)![0].inputs.map((t) => t.target)).toEqual([CHROOTS[0]]);
  });

  it('skips the tests of a failed chroot with the reason, and ends the pipeline as failure', async () => {
    const { id, coprId } = await startAndBuildSrpm();
    await engine.signal(
      { kind: 'copr_build', externalId: coprId, target: CHROOTS[1] },
      { state: 'failure', reason: 'mock failed' },
    );
    for (const c of [CHROOTS[0], CHROOTS[2]])
      await engine.signal({ kind: 'copr_build', externalId: coprId, target: c }, { state: 'success' });
    const tf = fake.calls.filter((c) => c[0].job === 'tests').flat();
    expect(tf.map((t) => t.target.target).sort()).toEqual([CHROOTS[0], CHROOTS[2]].sort());
    for (const t of tf) await engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
    const s = await statusOf(id);
    const skipped = s.state.steps.find((st) => st.job === 'tests')!.targets.find((t) => t.target === CHROOTS[1])!;
    expect(skipped).toMatchObject({ status: 'skipped', reason: `build ${CHROOTS[1]} failed` });
    expect(s.pipeline).toBe('failure');
    expect(s.state.steps.map((st) => st.status)).toEqual(['success', 'failure', 'skipped']);
  });

  it('skips everything downstream when the SRPM build fails', async () => {
    const id = await engine.start(buildAndTestPlan(), ctx);
    await engine.signal({ kind: 'srpm_build', externalId: fake.calls[0][0].target.externalId! }, { state: 'failure' });
    const s = await statusOf(id);
    expect(Object.values(s.steps.copr_build)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(s.state.steps[2].targets.every((t) => t.reason === 'SRPM build failed')).toBe(true);
    expect(fake.calls).toHaveLength(1);
  });

  it('applies the same result once, accepts an end before its start, and ignores results for unknown targets', async () => {
    const { id, coprId } = await startAndBuildSrpm();
    const ref = { kind: 'copr_build' as const, externalId: coprId, target: CHROOTS[0] };
    expect(await engine.signal(ref, { state: 'success' })).toMatchObject({ applied: true });
    expect(await engine.signal(ref, { state: 'success' })).toMatchObject({
      applied: false,
      note: 'target already success',
    });
    expect(await engine.signal(ref, { state: 'started' })).toMatchObject({ applied: false });
    expect(fake.submittedTargets('tests')).toEqual([CHROOTS[0]]);
    expect(await engine.signal({ kind: 'copr_build', externalId: 'nope' }, { state: 'success' })).toEqual({
      applied: false,
      note: 'unknown target',
    });
    const target = (await statusOf(id)).state.steps[1].targets.find((t) => t.target === CHROOTS[0])!;
    expect(target.startedAt).not.toBeNull();
    expect((target.data?.ignoredSignals as unknown[]).length).toBe(2);
  });
});

describe('PipelineEngine: supersede and cancel', () => {
  it('cancels the unfinished pipeline of the older commit and its running external work', async () => {
    const { id: old } = await startAndBuildSrpm();
    ctx.commitId = await newCommit('2'.repeat(40));
    const fresh = await engine.start(buildAndTestPlan(), ctx);
    const s = await statusOf(old);
    expect(s.pipeline).toBe('cancelled');
    expect(Object.values(s.steps.copr_build)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(s.state.steps[1].targets[0].reason).toBe('superseded by a newer commit');
    expect(fake.cancelled.map((t) => t.target.target).sort()).toEqual([...CHROOTS].sort());
    expect((await statusOf(fresh)).pipeline).toBe('queued');
  });

  it('keeps pipelines of other commits running with the independent strategy', async () => {
    const { id: old } = await startAndBuildSrpm();
    ctx.commitId = await newCommit('3'.repeat(40));
    await engine.start(buildAndTestPlan(), { ...ctx, strategy: 'independent' });
    expect((await statusOf(old)).pipeline).toBe('running');
  });

  it('records and ignores a result for a cancelled target', async () => {
    const { id, coprId } = await startAndBuildSrpm();
    await engine.cancelPipelines([id], 'pull request closed');
    expect(
      await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'success' }),
    ).toMatchObject({
      applied: false,
      note: 'target already cancelled',
    });
    expect(fake.submittedTargets('tests')).toEqual([]);
  });
});

/** Runs a pipeline to its end: chroot `failed` fails (its test is skipped), the rest succeed. */
async function finishedPipeline(failed = CHROOTS[1]) {
  const { id, coprId } = await startAndBuildSrpm();
  for (const c of CHROOTS) {
    await engine.signal(
      { kind: 'copr_build', externalId: coprId, target: c },
      { state: c === failed ? 'failure' : 'success' },
    );
  }
  for (const t of fake.calls.filter((c) => c[0].job === 'tests').flat()) {
    await engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
  }
  return id;
}

const idsOf = (state: Awaited<ReturnType<typeof statusOf>>['state'], job: string) =>
  Object.fromEntries(state.steps.find((s) => s.job === job)!.targets.map((t) => [t.target, t.id]));

describe('PipelineEngine: reruns', () => {
  it('rerunPipeline: everything again in new groups, recording what it reran', async () => {
    const original = await finishedPipeline();
    const before = fake.calls.length;
    const rerun = await engine.rerunPipeline(original);
    const [o, r] = [(await statusOf(original)).state, (await statusOf(rerun)).state];
    expect(r.rerunOf).toBe(original);
    for (const job of ['srpm_build', 'copr_build', 'tests']) {
      const [os, rs] = [o.steps.find((s) => s.job === job)!, r.steps.find((s) => s.job === job)!];
      expect(rs.rerunOf).toBe(os.id);
      expect(rs.targets.map((t) => t.id)).not.toEqual(expect.arrayContaining(os.targets.map((t) => t.id)));
      if (job !== 'srpm_build') expect(rs.targets[0].groupId).not.toBe(os.targets[0].groupId);
    }
    expect(fake.calls.slice(before).map((c) => c[0].job)).toEqual(['srpm_build']);
  });

  it('rerunFrom: the step and what follows are new; the SRPM build is shared', async () => {
    const original = await finishedPipeline();
    const o = (await statusOf(original)).state;
    const copr = o.steps.find((s) => s.job === 'copr_build')!;
    const rerun = await engine.rerunFrom(copr.id);
    const r = (await statusOf(rerun)).state;
    expect(r.steps[0].targets[0].id).toBe(o.steps[0].targets[0].id);
    expect(r.steps[0].targets[0].status).toBe('success');
    expect(r.steps[1].targets.every((t) => t.attempt === 2 && t.status === 'queued')).toBe(true);
    expect(r.steps[1].targets[0].groupId).not.toBe(copr.targets[0].groupId);
    expect(fake.calls.at(-1)!.map((t) => t.target.target)).toEqual(CHROOTS);
  });

  it('rerunTargets: one chroot and its test are redone in the same groups, everything else is shared', async () => {
    const original = await finishedPipeline();
    const o = (await statusOf(original)).state;
    const copr = o.steps.find((s) => s.job === 'copr_build')!;
    const rerun = await engine.rerunTargets(copr.id, [CHROOTS[1]]);
    const r = (await statusOf(rerun)).state;
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
    expect(fake.calls.at(-1)!.map((t) => t.target.target)).toEqual([CHROOTS[1]]);
    // The redone chroot succeeds: only its test starts, and the rerun completes.
    await engine.signal(
      { kind: 'copr_build', externalId: fake.calls.at(-1)![0].target.externalId!, target: CHROOTS[1] },
      { state: 'success' },
    );
    const test = fake.calls.at(-1)!;
    expect(test.map((t) => [t.job, t.target.target])).toEqual([['tests', CHROOTS[1]]]);
    await engine.signal({ kind: 'tests', externalId: test[0].target.externalId! }, { state: 'success' });
    expect((await statusOf(rerun)).pipeline).toBe('success');
    expect((await statusOf(original)).pipeline).toBe('failure');
  });

  it('rerunFailed: every failed target and what depends on it, in one new pipeline', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const rerun = await engine.rerunFailed(original);
    const r = (await statusOf(rerun)).state;
    expect(r.steps[1].targets.filter((t) => t.attempt === 2).map((t) => t.target)).toEqual([CHROOTS[2]]);
    expect(r.steps[2].targets.filter((t) => t.attempt === 2).map((t) => t.target)).toEqual([CHROOTS[2]]);
    expect((await statusOf(rerun)).state.rerunOf).toBe(original);
    await expect(engine.rerunFailed(rerun)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('refuses a second live rerun of the same kind, and any rerun of a superseded pipeline', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const first = await engine.rerunFailed(original);
    await expect(engine.rerunFailed(original)).rejects.toMatchObject({
      code: 'conflict',
      message: `a failed rerun of pipeline ${original} is running: pipeline ${first}`,
    });
    expect(await engine.rerunPipeline(original)).not.toBe(first);
    ctx.commitId = await newCommit('2'.repeat(40));
    await engine.start(buildAndTestPlan(), ctx);
    await expect(engine.rerunPipeline(original)).rejects.toMatchObject({
      code: 'conflict',
      message: `pipeline ${original} was superseded by a newer commit`,
    });
  });

  it('a record-only engine (the web) decides a rerun; the worker engine submits and reports it when it reconciles', async () => {
    const original = await finishedPipeline(CHROOTS[2]);
    const calls = fake.calls.length;
    const web = newEngine({ jobs: {} }, { recordOnly: true });
    // The workers are told at commit (they LISTEN and reconcile at once).
    const listener = await pool.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.channel));
    await listener.query(`listen ${ENGINE_DUE_CHANNEL}`);
    const rerun = await web.rerunFailed(original);
    await waitFor(() => notified.length > 0, { what: 'the due notification' }).finally(() => listener.release());
    expect(notified).toEqual([ENGINE_DUE_CHANNEL]);
    expect(fake.calls.length).toBe(calls);
    expect((await statusOf(rerun)).steps.copr_build[CHROOTS[2]]).toBe('queued');
    const reports = fake.reports.length;
    const worker = newEngine(fake.activities());
    expect(await worker.reconcile()).toMatchObject({ resubmitted: 1, reported: 1 });
    await worker.idle();
    expect(fake.calls.slice(calls).map((c) => c.map((t) => [t.job, t.target.target]))).toEqual([
      [['copr_build', CHROOTS[2]]],
    ]);
    expect(fake.reports.slice(reports).some((c) => c.pipelineIds.includes(rerun))).toBe(true);
  });

  it('rerunMatching (/packit test): every test again, only the builds that did not succeed', async () => {
    const original = await finishedPipeline(CHROOTS[0]);
    const rerun = await engine.rerunMatching(
      original,
      (step, t) => step.job === 'tests' || (step.job !== 'tests' && t.status !== 'success'),
      { kind: 'test' },
    );
    const [o, r] = [(await statusOf(original)).state, (await statusOf(rerun)).state];
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
    const s = await statusOf(rerun);
    expect(s.steps.tests).toEqual({ [CHROOTS[0]]: 'pending', [CHROOTS[1]]: 'queued', [CHROOTS[2]]: 'queued' });
    // Every target of the new pipeline was reported, so its checks appear at once.
    await engine.idle();
    expect(
      new Set(fake.reports.filter((c) => c.pipelineIds.includes(rerun)).map((c) => `${c.target.kind}:${c.target.id}`))
        .size,
    ).toBe(7);
  });

  it('shares a target that is still running: its result completes both pipelines, and it ran once', async () => {
    const { id, coprId } = await startAndBuildSrpm();
    const copr = (await statusOf(id)).state.steps[1];
    await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'failure' });
    const rerun = await engine.rerunTargets(copr.id, [CHROOTS[0]]);
    await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[1] }, { state: 'success' });
    const [a, b] = [(await statusOf(id)).steps.copr_build, (await statusOf(rerun)).steps.copr_build];
    expect(a[CHROOTS[1]]).toBe('success');
    expect(b[CHROOTS[1]]).toBe('success');
    expect(fake.submittedTargets('copr_build').filter((t) => t === CHROOTS[1])).toHaveLength(1);
    // Its test was queued once, though two pipelines were waiting for that chroot.
    expect(fake.submittedTargets('tests').filter((t) => t === CHROOTS[1])).toHaveLength(1);
  });
});

describe('PipelineEngine: jobs nothing runs', () => {
  it('errors the targets of a job this deployment has no activity for, saying so, and skips what needs them', async () => {
    engine = newEngine({ jobs: { srpm_build: fake.definition() }, report: fake.activities().report });
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
    const id = await engine.start(plan, ctx);
    const { state } = await statusOf(id);
    expect(state.steps[0].targets[0]).toMatchObject({
      status: 'error',
      reason: 'this deployment cannot run upstream_koji_build jobs',
    });
    expect(state.steps[1].targets[0]).toMatchObject({ status: 'skipped' });
  });
});

describe('PipelineEngine: deadlines, crashes and races', () => {
  it('polls a target past its deadline and applies the answer like a signal', async () => {
    engine = newEngine(fake.activities({ pollAfterMs: 0 }));
    const id = await engine.start(buildAndTestPlan(), ctx);
    fake.pollAnswers.set(fake.calls[0][0].target.externalId!, { state: 'success' });
    const result = await engine.reconcile();
    expect(result.polled).toBeGreaterThanOrEqual(1);
    expect((await statusOf(id)).steps.srpm_build['srpm-builds']).toBe('success');
    expect(fake.submittedTargets('copr_build')).toEqual(CHROOTS);
  });

  it('errors a target with "timed out" when no answer comes before the final deadline', async () => {
    engine = newEngine(fake.activities({ pollAfterMs: 0, finalDeadlineMs: 0 }));
    const id = await engine.start(buildAndTestPlan(), ctx);
    await engine.reconcile();
    const s = await statusOf(id);
    expect(s.state.steps[0].targets[0]).toMatchObject({ status: 'error', reason: 'timed out' });
    expect(s.state.steps[1].targets[0]).toMatchObject({ status: 'skipped', reason: 'SRPM build failed' });
  });

  it('retries a submission whose answer was lost with the same idempotency key, so the activity can adopt it', async () => {
    // The activity is the one that can look at the service; the real Copr and Testing Farm
    // activities adopting what the first call created are proven in the upstream
    // ecosystem's idempotent-submit.test.ts against fakes that build twice when asked twice.
    engine = newEngine(fake.activities(), { submitLeaseMs: 0 });
    fake.failAfterSubmit.set('srpm_build', retryable('connection reset after the build was created'));
    const id = await engine.start(buildAndTestPlan(), ctx);
    expect((await statusOf(id)).state.steps[0].targets[0].externalId).toBeNull();
    // A fresh engine (the old one is gone) reconciles: same idempotency key.
    const again = newEngine(fake.activities());
    expect((await again.reconcile()).resubmitted).toBe(1);
    const key = fake.calls[0][0].idempotencyKey;
    expect(fake.calls.map((c) => c[0].idempotencyKey)).toEqual([key, key]);
    // This fake does not deduplicate: what the engine records is what the retry answered.
    expect(fake.submitted.get(key)).toHaveLength(2);
    expect((await statusOf(id)).state.steps[0].targets[0].externalId).toBe(fake.submitted.get(key)![1]);
  });

  it('reports again, from the reconciler, a change whose report failed, with every target as it is now', async () => {
    engine = newEngine(fake.activities(), { reportGraceMs: 0 });
    fake.failReports = 1;
    const id = await engine.start(buildAndTestPlan(), ctx);
    await engine.idle();
    expect(fake.reports).toEqual([]);
    expect((await engine.reconcile()).reported).toBe(1);
    await engine.idle();
    const targets = (await engine.getState(id)).steps.flatMap((s) => s.targets.map((t) => t.id));
    expect(fake.reports.map((r) => r.target.id).sort()).toEqual(targets.sort());
    expect(fake.reports.every((r) => r.pipelineIds.join() === id)).toBe(true);
    // caught up: nothing more to report
    expect((await engine.reconcile()).reported).toBe(0);
  });

  it('does not report again what went out', async () => {
    engine = newEngine(fake.activities(), { reportGraceMs: 0 });
    const { id } = await startAndBuildSrpm();
    await engine.idle();
    const sent = fake.reports.length;
    expect(sent).toBeGreaterThan(0);
    expect((await engine.reconcile()).reported).toBe(0);
    const { rows } = await pool.query('select report_seq, reported_seq from shared.pipelines where id = $1', [id]);
    expect(rows[0].reported_seq).toBe(rows[0].report_seq);
    expect(fake.reports).toHaveLength(sent);
  });

  it('reports what a crashed instance committed but never reported, once the grace period is over', async () => {
    // The first instance dies with its report in flight: it never resolves.
    const crashed = newEngine(
      { ...fake.activities(), report: () => new Promise<void>(() => {}) },
      { reportGraceMs: 60_000 },
    );
    const id = await crashed.start(buildAndTestPlan(), ctx);
    const survivor = newEngine(fake.activities(), { reportGraceMs: 60_000 });
    expect((await survivor.reconcile()).reported).toBe(0); // still within the grace period
    await pool.query(`update shared.pipelines set report_retry_at = now() - interval '1 second' where id = $1`, [id]);
    expect((await survivor.reconcile()).reported).toBe(1);
    await survivor.idle();
    expect(fake.reports.map((r) => r.target.target)).toEqual(expect.arrayContaining(['srpm-builds', ...CHROOTS]));
  });

  it('retries a report that keeps failing with doubling delays, and gives up after ten tries', async () => {
    engine = newEngine(fake.activities(), { reportGraceMs: 1000 });
    fake.failReports = 1000;
    const id = await engine.start(buildAndTestPlan(), ctx);
    await engine.idle();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      await pool.query(`update shared.pipelines set report_retry_at = now() - interval '1 second' where id = $1`, [id]);
      expect((await engine.reconcile()).reported).toBe(0);
      await engine.idle();
      const { rows } = await pool.query(
        `select report_attempts, round(extract(epoch from report_retry_at - now()))::int as delay from shared.pipelines where id = $1`,
        [id],
      );
      if (rows[0].delay > 0) delays.push(rows[0].delay);
      if (i >= 10) expect(rows[0].report_attempts).toBe(10);
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 32, 32, 32, 32]);
    expect(fake.failReports).toBe(1000 - 11); // the first report and ten retries
  });

  it('leaves to other deployments the targets and reports of projects on instances it does not serve', async () => {
    fake.failReports = 1;
    const id = await newEngine(fake.activities(), { reportGraceMs: 0 }).start(buildAndTestPlan(), ctx);
    await pool.query(`update upstream.srpm_builds set deadline_at = now() - interval '1 second' where id = $1`, [
      (await engine.getState(id)).steps[0].targets[0].id,
    ]);
    fake.pollAnswers.set(fake.calls[0][0].target.externalId!, { state: 'success' });
    const gitlabOnly = newEngine(fake.activities({ pollAfterMs: 0 }), {
      reportGraceMs: 0,
      instances: ['https://gitlab.com'],
    });
    expect(await gitlabOnly.reconcile()).toEqual({ resubmitted: 0, polled: 0, timedOut: 0, reported: 0 });
    const githubToo = newEngine(fake.activities({ pollAfterMs: 0 }), {
      reportGraceMs: 0,
      instances: ['https://gitlab.com', 'https://github.com'],
    });
    expect((await githubToo.reconcile()).polled).toBeGreaterThanOrEqual(1);
    await githubToo.idle();
    expect((await statusOf(id)).steps.srpm_build['srpm-builds']).toBe('success');
    const { rows } = await pool.query(
      'select report_seq = reported_seq as caught_up from shared.pipelines where id = $1',
      [id],
    );
    expect(rows[0].caught_up).toBe(true);
  });

  it('keeps nothing in memory: a new engine instance carries on a pipeline mid-way', async () => {
    const { id, coprId } = await startAndBuildSrpm();
    engine = newEngine(fake.activities());
    for (const c of CHROOTS)
      await engine.signal({ kind: 'copr_build', externalId: coprId, target: c }, { state: 'success' });
    engine = newEngine(fake.activities());
    for (const t of fake.calls.filter((c) => c[0].job === 'tests').flat()) {
      await engine.signal({ kind: 'tests', externalId: t.target.externalId! }, { state: 'success' });
    }
    expect((await statusOf(id)).pipeline).toBe('success');
  });

  it('loses no update and starts no test twice when every chroot result arrives at the same instant', async () => {
    const chroots = Array.from({ length: 8 }, (_, i) => `fedora-${40 + i}-x86_64`);
    const id = await engine.start(buildAndTestPlan(chroots), ctx);
    await engine.signal({ kind: 'srpm_build', externalId: fake.calls[0][0].target.externalId! }, { state: 'success' });
    const coprId = fake.calls[1][0].target.externalId!;
    // Separate engines, as separate workers would be, all at once.
    const workers = chroots.map(() => newEngine(fake.activities()));
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
    const s = await statusOf(id);
    expect(Object.values(s.steps.copr_build).every((x) => x === 'success')).toBe(true);
    expect(Object.values(s.steps.tests).every((x) => x === 'queued')).toBe(true);
    expect(fake.submittedTargets('tests').sort()).toEqual([...chroots].sort());
  });
});
