// The engine as ecosystems plug into it: made with their item kinds, one pipeline per
// event however many workers start it, and one read of a pipeline's state per decision,
// handed (with the project, ref and commit) to activities and the reporter.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Plan } from '@packflow/config';
import type { Sql, SqlPool } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { SRPM_BUILD, UPSTREAM_KINDS } from '@packflow/upstream';
import { createEngine } from './pipeline.engine.js';
import { FakeActivities } from './testing/fake-activities.js';

const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64'];

const plan = (): Plan => ({
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
      identifier: 'fast',
      trigger: 'pull_request',
      targets: CHROOTS,
      options: { owner: 'packit', status_name_template: 'build {{ chroot }}' },
    },
  ],
  edges: [{ from: 'srpm_build:hello', to: 'copr_build:hello', target: null }],
  skipped: [],
});

/** A pool that records the names of the prepared statements run on it (and its clients). */
function namingPool(pool: pg.Pool): SqlPool & { names: string[] } {
  const names: string[] = [];
  const wrap =
    (sql: Sql): Sql['query'] =>
    (textOrConfig: never, params?: unknown[]) => {
      const name = (textOrConfig as { name?: string }).name;
      if (name) names.push(name);
      return typeof textOrConfig === 'string' ? sql.query(textOrConfig, params) : sql.query(textOrConfig);
    };
  return {
    names,
    query: wrap(pool),
    async connect() {
      const client = await pool.connect();
      return { query: wrap(client), release: (error?: Error | boolean) => client.release(error) };
    },
  } as SqlPool & { names: string[] };
}

let db: TestDatabase;
let pool: pg.Pool;
let fake: FakeActivities;
let ctx: { projectId: string; commitId: string; trigger: string };
let repo = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(() => db.drop());

beforeEach(async () => {
  const q = async (text: string, params: unknown[]) => (await pool.query<{ id: string }>(text, params)).rows[0].id;
  const projectId = await q(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1) returning id::text`,
    [`ctx-${++repo}`],
  );
  const refId = await q(
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '7') returning id::text`,
    [projectId],
  );
  const commitId = await q(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [projectId, refId, 'a'.repeat(40)],
  );
  ctx = { projectId, commitId, trigger: 'pull_request' };
  fake = new FakeActivities();
});

const newEvent = async (): Promise<string> =>
  (
    await pool.query<{ id: string }>(
      `insert into shared.events (source, type, delivery_id, project_id, payload) values ('github', 'pull_request.opened', $1, $2, '{}') returning id::text`,
      [`delivery-${repo}-${Math.random()}`, ctx.projectId],
    )
  ).rows[0].id;

describe('createEngine: one pipeline per event', () => {
  it('starts one pipeline when two workers start the same event at the same moment', async () => {
    const eventId = await newEvent();
    const workers = [1, 2].map(() => createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities() }));
    const ids = await Promise.all(workers.map((w) => w.start(plan(), { ...ctx, eventId })));
    expect(ids[0]).toBe(ids[1]);
    const { rows } = await pool.query(`select id::text from shared.pipelines where event_id = $1`, [eventId]);
    expect(rows).toEqual([{ id: ids[0] }]);
    expect(fake.submittedTargets('srpm_build')).toEqual(['srpm-builds']);
  });

  it('does nothing for a redelivered event but answer with its pipeline', async () => {
    const eventId = await newEvent();
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    const first = await engine.start(plan(), { ...ctx, eventId });
    await engine.idle();
    const reports = fake.reports.length;
    expect(await engine.start(plan(), { ...ctx, eventId })).toBe(first);
    await engine.idle();
    expect(fake.calls).toHaveLength(1);
    expect(fake.reports).toHaveLength(reports);
  });

  it('still lets an event ask for several reruns of one pipeline', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    const id = await engine.start(plan(), ctx);
    const eventId = await newEvent();
    // Of different scopes: a second live rerun of the same pipeline-wide scope is refused.
    const a = await engine.rerunPipeline(id, { eventId });
    const b = await engine.rerunFrom((await engine.getState(id)).steps[0].id, { eventId });
    expect(new Set([id, a, b]).size).toBe(3);
  });
});

describe('createEngine: item kinds of the ecosystems a process runs', () => {
  it('refuses a plan with a job no ecosystem of the process runs, naming the job', async () => {
    const engine = createEngine({ db: pool, kinds: [SRPM_BUILD], activities: fake.activities() });
    await expect(engine.start(plan(), ctx)).rejects.toThrow('no ecosystem of this process runs copr_build jobs');
    const { rows } = await pool.query(`select 1 from shared.pipelines where commit_id = $1`, [ctx.commitId]);
    expect(rows).toEqual([]);
  });
});

describe('createEngine: one read of a target per decision', () => {
  it('hands activities the project, ref and commit of the pipeline and the steps that wait for them', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    const id = await engine.start(plan(), ctx);
    const [task] = fake.calls[0];
    expect(task.pipeline).toEqual({
      id,
      project: expect.objectContaining({ forge: 'github', namespace: 'packit', repo: `ctx-${repo}` }),
      ref: { kind: 'pull_request', name: '7' },
      commitSha: 'a'.repeat(40),
    });
    expect(task.next).toEqual([expect.objectContaining({ job: 'copr_build', package: 'hello', targets: CHROOTS })]);
  });

  it('hands the reporter each change with its pipeline, commit and step options', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    const id = await engine.start(plan(), ctx);
    await engine.idle();
    const build = fake.reports.find((c) => c.job === 'copr_build')!;
    expect(build.pipeline).toMatchObject({ id, commitSha: 'a'.repeat(40), ref: { kind: 'pull_request', name: '7' } });
    expect(build.identifier).toBe('fast');
    expect(build.options).toMatchObject({ status_name_template: 'build {{ chroot }}' });
  });

  it('reads the pipeline state once for a result (with the result, in one statement), submits and reports from that read', async () => {
    const counted = namingPool(pool);
    const engine = createEngine({ db: counted, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    await engine.start(plan(), ctx);
    await engine.idle();
    counted.names.length = 0;
    await engine.signal({ kind: 'srpm_build', externalId: fake.calls[0][0].target.externalId! }, { state: 'success' });
    await engine.idle();
    expect(fake.submittedTargets('copr_build')).toEqual(CHROOTS);
    expect(fake.reports.filter((c) => c.job === 'copr_build' && c.target.status === 'queued')).toHaveLength(2);
    // The state comes with the result applied; no read of its own.
    expect(counted.names.filter((n) => /^pf_engine_(state|signal)/.test(n))).toEqual([
      'pf_engine_signal_srpm_build_ref',
    ]);
  });

  it('writes a result that moves no status in one statement (no advance), its report marked due, sent and recorded', async () => {
    const counted = namingPool(pool);
    const engine = createEngine({ db: counted, kinds: UPSTREAM_KINDS, activities: fake.activities() });
    const id = await engine.start(plan(), ctx);
    await engine.signal({ kind: 'srpm_build', externalId: fake.calls[0][0].target.externalId! }, { state: 'success' });
    const coprId = fake.calls[1][0].target.externalId!;
    await engine.signal({ kind: 'copr_build', externalId: coprId, target: CHROOTS[0] }, { state: 'started' });
    await engine.idle();
    const before = (await engine.getState(id)).steps.map((s) => s.status);
    counted.names.length = 0;
    // The step runs already: the other chroot's start changes no step's or pipeline's status.
    const outcome = await engine.signal(
      { kind: 'copr_build', externalId: coprId, target: CHROOTS[1] },
      { state: 'started' },
    );
    await engine.idle();
    expect(outcome.applied).toBe(true);
    expect(counted.names.filter((n) => n.startsWith('pf_engine_advance'))).toEqual([]);
    const state = await engine.getState(id);
    expect(state.steps.map((s) => s.status)).toEqual(before);
    expect(state.steps[1].targets.map((t) => t.status)).toEqual(['running', 'running']);
    expect(fake.reports.at(-1)).toMatchObject({ target: { target: CHROOTS[1], status: 'running' } });
    const { rows } = await pool.query(
      `select reported_seq = report_seq as reported from shared.pipelines where id = $1`,
      [id],
    );
    expect(rows[0].reported).toBe(true);
  });
});
