// bench/pipeline-read: reading a whole pipeline by id on a database of production-shaped
// pipelines, with packflow's one-statement query and, in the same run, the same read
// through MikroORM written with care (populate hints, each link table once with `$in`,
// independent loads in parallel), the two interleaved (same warm-up, same moments, same
// cache). Then the engine: start + a full run of signals, per signal (engine-run.ts).
import {
  Event,
  Pipeline,
  PipelineRepository,
  PipelineStep,
  PipelineStepEdge,
  Project,
  type EntityManager,
} from '@packflow/core';
import { ITEM_KINDS } from '@packflow/ecosystems';
import {
  CoprBuildTarget,
  SrpmBuild,
  StepCoprBuild,
  StepCoprBuildTarget,
  StepSrpmBuild,
  StepTestRun,
  StepTestRunTarget,
  TestRunTarget,
} from '@packflow/upstream';
import { createTestDatabase } from '@packflow/testing';
import { isQuick, percentile, report, round } from './lib/bench.util.js';
import { PROJECTS_SQL, pipelineChunkSql, resetSequencesSql } from './lib/pipeline-data.sql.js';
import { runSignals } from './lib/engine-run.js';

const quick = isQuick();
const PIPELINES = quick ? 2_000 : 100_000;
const SAMPLES = quick ? 100 : 1_000;
const ORM_SAMPLES = quick ? 50 : 300;
const CHUNK = 5_000;

/**
 * The ORM baseline, as a careful MikroORM 6 user writes it: the pipeline with its
 * project, commit, ref and event joined in (populate hints), then every link table
 * once for all steps with `$in` (each populating its item), the edges and the reruns,
 * the independent loads in parallel. Ten statements, in three round trips.
 */
async function ormRead(em: EntityManager, id: string) {
  const [pipeline, steps, reruns] = await Promise.all([
    em.findOneOrFail(Pipeline, id, { populate: ['project', 'commit', 'commit.ref', 'event'] as never }),
    em.find(PipelineStep, { pipeline: id }),
    em.find(Pipeline, { rerunOf: id }),
  ]);
  const step = { $in: steps.map((s) => s.id) };
  const [edges, ...items] = await Promise.all([
    em.find(PipelineStepEdge, { to: step }),
    em.find(StepSrpmBuild, { step }, { populate: ['srpmBuild'] as never }),
    em.find(StepCoprBuild, { step }, { populate: ['coprBuild'] as never }),
    em.find(StepCoprBuildTarget, { step }, { populate: ['coprBuildTarget'] as never }),
    em.find(StepTestRun, { step }, { populate: ['testRun'] as never }),
    em.find(StepTestRunTarget, { step }, { populate: ['testRunTarget'] as never }),
  ]);
  return {
    pipeline,
    steps,
    edges,
    items,
    reruns,
    touched: [Project, Event, SrpmBuild, CoprBuildTarget, TestRunTarget].length,
  };
}

const db = await createTestDatabase();
try {
  const pool = db.pool();
  const t0 = performance.now();
  await pool.query(PROJECTS_SQL);
  const statements = pipelineChunkSql();
  for (let a = 1; a <= PIPELINES; a += CHUNK) {
    const b = Math.min(PIPELINES, a + CHUNK - 1);
    const client = await pool.connect();
    try {
      await client.query('begin');
      for (const sql of statements) await client.query(sql, [a, b]);
      await client.query('commit');
    } finally {
      client.release();
    }
  }
  for (const sql of resetSequencesSql()) await pool.query(sql);
  // As autovacuum leaves a database that has settled: statistics and the visibility map
  // (index-only scans of the link tables need it), for both reads alike. Then the load's
  // pages written out (a checkpoint), so neither the reads nor the engine's commits are
  // timed against the write-back of a million rows loaded a moment before.
  await pool.query('vacuum analyze');
  const settled = await pool.query('checkpoint').then(
    () => 'written out',
    (error: Error) => `not written out (checkpoint: ${error.message}); timings may include their write-back`,
  );
  const loadSeconds = (performance.now() - t0) / 1000;
  const counts = (
    await pool.query(
      `select (select count(*) from upstream.copr_build_targets)::float / (select count(*) from upstream.copr_builds) as chroots,
            (select count(*) from upstream.test_run_targets)::float / (select count(*) from upstream.copr_build_targets) as tests,
            (select count(*) from upstream.copr_build_targets) + (select count(*) from upstream.test_run_targets) as targets`,
    )
  ).rows[0];

  const repo = new PipelineRepository(pool, ITEM_KINDS);
  const pick = (i: number) => String(1 + ((i * 7919) % PIPELINES));
  const orm = await db.orm();
  const read = async (i: number) => {
    const view = await repo.getView(pick(i));
    if (!view || view.steps.length < 3) throw new Error(`pipeline ${pick(i)} read incompletely`);
  };
  const timed = async (out: number[], fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  };
  // Both ways in one loop, with the same warm-up, so both see the same load on the
  // machine and the same cache: the ORM's (slower) read every `every`-th time, first or
  // second in turn. Every timed read is of a pipeline neither way has read before (the
  // warm-up reads others): when the ORM read the pipeline packflow had just read, half
  // of its reads found that pipeline's pages in the cache, and a sixth of packflow's.
  for (let i = 0; i < 20; i++) await read(2 * SAMPLES + i).then(() => ormRead(orm.em.fork(), pick(2 * SAMPLES + i)));
  const every = Math.max(1, Math.round(SAMPLES / ORM_SAMPLES));
  const fast: number[] = [];
  const ormTimes: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const packflowRead = () => timed(fast, () => read(i));
    const mikroRead = () => timed(ormTimes, () => ormRead(orm.em.fork(), pick(SAMPLES + i)));
    if (i % every !== 0) await packflowRead();
    else if ((i / every) % 2 === 0) await packflowRead().then(mikroRead);
    else await mikroRead().then(packflowRead);
  }
  fast.sort((a, b) => a - b);
  ormTimes.sort((a, b) => a - b);

  const signals = await runSignals(pool, quick ? 20 : 50);

  const [p50, p99, n50, n99] = [
    percentile(fast, 50),
    percentile(fast, 99),
    percentile(ormTimes, 50),
    percentile(ormTimes, 99),
  ];
  report(
    'pipeline-read',
    [
      `data set: ${PIPELINES} pipelines, ${counts.targets} targets, ${round(counts.chroots)} chroots per Copr build, ` +
        `${round(counts.tests)} test runs per chroot build (loaded in ${round(loadSeconds, 1)} s, ${settled})`,
      `read a whole pipeline, packflow query: p50 ${round(p50)} ms, p99 ${round(p99)} ms (${SAMPLES} reads)`,
      `read a whole pipeline, MikroORM ($in):  p50 ${round(n50)} ms, p99 ${round(n99)} ms (${ormTimes.length} reads)`,
      `speed-up at p50: ${round(n50 / p50, 1)}x`,
      `engine: start + full run of ${signals.signals} signals over ${signals.pipelines} pipelines: ` +
        `${round(signals.msPerSignal)} ms per signal, ${round(signals.msPerStart)} ms per start ` +
        `(${round(signals.statementsPerSignal, 1)} and ${round(signals.statementsPerStart, 1)} statements, ` +
        `${round(signals.roundTripsPerSignal, 1)} and ${round(signals.roundTripsPerStart, 1)} round trips)`,
    ],
    {
      pipelines: PIPELINES,
      targets: Number(counts.targets),
      read_p50_ms: round(p50, 3),
      read_p99_ms: round(p99, 3),
      orm_p50_ms: round(n50, 3),
      orm_p99_ms: round(n99, 3),
      speedup_p50: round(n50 / p50, 1),
      start_ms: round(signals.msPerStart, 3),
      signal_ms: round(signals.msPerSignal, 3),
      statements_per_start: round(signals.statementsPerStart, 2),
      statements_per_signal: round(signals.statementsPerSignal, 2),
      round_trips_per_start: round(signals.roundTripsPerStart, 2),
      round_trips_per_signal: round(signals.roundTripsPerSignal, 2),
    },
  );
} finally {
  await db.drop();
}
