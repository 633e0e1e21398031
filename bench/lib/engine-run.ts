// Drives the engine through whole pipelines (SRPM -> 6 chroots -> 6 tests) with
// activities that answer at once, and times start and each signal.
import pg from 'pg';
import type { Plan } from '@packflow/config';
import { createEngine } from '@packflow/engine';
import { UPSTREAM_KINDS } from '@packflow/upstream';
import { CHROOTS } from './pipeline-data.sql.js';

const chroots = CHROOTS.slice(0, 6);
const plan: Plan = {
  steps: [
    {
      id: 'srpm',
      package: 'pkg',
      job: 'srpm_build',
      identifier: null,
      trigger: 'pull_request',
      targets: ['srpm-builds'],
      options: {},
    },
    {
      id: 'copr',
      package: 'pkg',
      job: 'copr_build',
      identifier: null,
      trigger: 'pull_request',
      targets: chroots,
      options: {},
    },
    {
      id: 'tests',
      package: 'pkg',
      job: 'tests',
      identifier: null,
      trigger: 'pull_request',
      targets: chroots,
      options: {},
    },
  ],
  edges: [
    { from: 'srpm', to: 'copr', target: null },
    ...chroots.map((c) => ({ from: 'copr', to: 'tests', target: c })),
  ],
  skipped: [],
};

/**
 * Counts the statements every pg client of this process sends while `counting` is on, and
 * the round trips among them: a statement sent while another of the same connection is
 * still in flight (pipeline mode: a transaction's begin, a last write before the commit)
 * rides on that one's round trip.
 */
let counting = false;
let statements = 0;
let roundTrips = 0;
const inFlight = new WeakMap<pg.Client, number>();
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const busy = (inFlight.get(this) ?? 0) > 0;
  if (counting) statements++;
  if (counting && !busy) roundTrips++;
  const result = (query as (...a: unknown[]) => unknown).apply(this, args);
  if (result instanceof Promise) {
    inFlight.set(this, (inFlight.get(this) ?? 0) + 1);
    const done = () => void inFlight.set(this, inFlight.get(this)! - 1);
    result.then(done, done);
  }
  return result;
} as typeof query;

/**
 * Runs `warmUp` pipelines untimed (each pool connection prepares the engine's statements,
 * the JIT warms up), then `pipelines` timed: the cost of a start and of a signal as a
 * long-running worker pays it.
 */
export async function runSignals(pool: pg.Pool, pipelines: number, warmUp = 3) {
  let n = 0;
  const submitted: Array<{ job: string; externalId: string; target: string }> = [];
  const definition = {
    submit: async (tasks: Array<{ job: string; target: { target: string } }>) => {
      const id = `bench-${++n}`;
      for (const t of tasks) submitted.push({ job: t.job, externalId: id, target: t.target.target });
      return tasks.map(() => ({ externalId: id }));
    },
    timeoutMs: 10_000,
    retry: { maxAttempts: 1, initialDelayMs: 0, backoffFactor: 1, maxDelayMs: 0 },
    pollAfterMs: 3_600_000,
    finalDeadlineMs: 86_400_000,
  };
  // A report that costs nothing, so the timings include the engine's reporting ledger
  // (marking the report due in the transaction, recording it sent after).
  const engine = createEngine({
    db: pool,
    kinds: UPSTREAM_KINDS,
    activities: { jobs: { default: definition }, report: async () => {} },
  });
  const { rows } = await pool.query(
    `with p as (insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'bench', 'engine') returning id),
          r as (insert into shared.project_refs (project_id, kind, name) select id, 'branch', 'main' from p returning id, project_id)
     select r.project_id::text as project_id, r.id::text as ref_id from r`,
  );
  let startMs = 0;
  let signalMs = 0;
  let signals = 0;
  let startStatements = 0;
  let signalStatements = 0;
  let startTrips = 0;
  let signalTrips = 0;
  for (let i = 0; i < warmUp + pipelines; i++) {
    const timed = i >= warmUp;
    const commit = await pool.query(
      `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, md5(random()::text)) returning id::text`,
      [rows[0].project_id, rows[0].ref_id],
    );
    let t = performance.now();
    let before = statements;
    let tripsBefore = roundTrips;
    counting = timed;
    await engine.start(plan, { projectId: rows[0].project_id, commitId: commit.rows[0].id, trigger: 'commit' });
    await engine.idle();
    if (timed) startMs += performance.now() - t;
    if (timed) startStatements += statements - before;
    if (timed) startTrips += roundTrips - tripsBefore;
    while (submitted.length > 0) {
      const s = submitted.shift()!;
      const kind = s.job === 'srpm_build' ? 'srpm_build' : s.job === 'copr_build' ? 'copr_build' : 'tests';
      t = performance.now();
      before = statements;
      tripsBefore = roundTrips;
      await engine.signal(
        { kind, externalId: s.externalId, target: kind === 'copr_build' ? s.target : undefined },
        { state: 'success' },
      );
      await engine.idle();
      if (!timed) continue;
      signalMs += performance.now() - t;
      signalStatements += statements - before;
      signalTrips += roundTrips - tripsBefore;
      signals++;
    }
    counting = false;
  }
  return {
    pipelines,
    signals,
    msPerSignal: signalMs / signals,
    msPerStart: startMs / pipelines,
    /** Statements sent to PostgreSQL (round trips, begin and commit included), after commit too. */
    statementsPerSignal: signalStatements / signals,
    statementsPerStart: startStatements / pipelines,
    /** Of those, the round trips (statements not sent behind one in flight). */
    roundTripsPerSignal: signalTrips / signals,
    roundTripsPerStart: startTrips / pipelines,
  };
}
