// `pnpm bench results [--quick]`: KCIDB ingest throughput and the latency of the six
// result queries, at 1M tests and again after 9M older tests of history are added.
//
// 1. Ingest, reports of 1,000 tests (and 10 builds of one checkout):
//    a. submit: KcidbService.submit (token, validation, durable store), one after the other;
//    b. load: KcidbSubmissionProcessor.processPending with one loader, then with two at
//       once (as two results-worker replicas would);
//    c. end to end as deployed: SUBMITTERS clients POST reports to the web's
//       /api/kcidb/submit (web in a process of its own: report + outbox row), the relay
//       publishes to JetStream (a nats-server, stream and durable of the run's own) and a
//       results worker (a process of its own) loads them; timed from the first POST until
//       the last submission is processed.
// 2. The tables are then filled in bulk (SQL, not the ingest path) to 1,000,000 tests
//    (--quick: 100,000) over 30 days, 3 origins, 16 tree/branches, 40 hardware; a tenth
//    of them, and the ingested ones, in the current hour (a busy hour).
// 3. The six queries (trees, revision, hardware listing, hardware results, test history,
//    path rollup) of the default window (the last 7 days), and a test history page after a
//    cursor, run repeatedly: p50 and p95.
// 4. History grows by 9,000,000 older tests (BENCH_HISTORY_TESTS; --quick: 400,000), and
//    the six queries run again: a window's cost must not grow with history.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { createLogger } from '@packflow/core';
import { OutboxRelay, PACKFLOW_EVENTS_STREAM, packflowEventsStream } from '@packflow/messaging';
import { KcidbService, KcidbSubmissionProcessor, toKcidbSubmitters, type KcidbReport } from '@packflow/results';
import { createTestDatabase, spawnServiceMain, startNatsServer, waitFor } from '@packflow/testing';
import { fillKcidb, withTestIndexesRebuilt } from './lib/kcidb-fill.js';
import { report, TESTS_PER_REPORT } from './lib/kcidb-report.js';

const quick = process.argv.includes('--quick');
const REPORTS = quick ? 20 : 80;
const TOTAL_TESTS = quick ? 100_000 : 1_000_000;
const HISTORY_TESTS = Number(process.env.BENCH_HISTORY_TESTS ?? (quick ? 400_000 : 9_000_000));
// BENCH_RESULTS_PARTS=ingest stops after the ingest figures (A/B runs of the loader).
const INGEST_ONLY = process.env.BENCH_RESULTS_PARTS === 'ingest';
const QUERY_RUNS = quick ? 10 : 40;
const SUBMITTERS = 4;
const TOKEN = 'bench-token-0123456789abcdef';

const logger = createLogger({ name: 'bench-results', level: 'warn', pretty: false });
const say = (line: string) => process.stdout.write(`${line}\n`);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const testDb = await createTestDatabase();
const db = testDb.pool();
// KCIDB_LOAD_BATCH as the results worker reads it (it inherits this environment).
const processor = new KcidbSubmissionProcessor(db, logger, {
  batchSize: process.env.KCIDB_LOAD_BATCH ? Number(process.env.KCIDB_LOAD_BATCH) : undefined,
});
const service = new KcidbService({
  db,
  submitters: toKcidbSubmitters({ [TOKEN]: ['bench'] }),
  handOff: () => {},
  logger,
});

const timed = async (run: () => Promise<unknown>) => {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
};
const countTests = async () =>
  (await db.query<{ n: number }>('select count(*)::int as n from shared.kcidb_tests')).rows[0].n;

/** Web, relay, JetStream and results worker as deployed; returns ms from the first POST until all are processed. */
async function endToEnd(reports: KcidbReport[]): Promise<number> {
  const run = randomUUID().slice(0, 8);
  const nats = await startNatsServer();
  const stream = `${PACKFLOW_EVENTS_STREAM}_BENCH_${run}`;
  const env = { DATABASE_URL: testDb.url, NATS_URL: nats.url, JETSTREAM_STREAM: stream };
  const web = spawnServiceMain('services/web/src/main.ts', {
    ...env,
    WEB_PORT: '0',
    WEB_BODY_LIMIT: String(64 * 1024 * 1024),
    KCIDB_SUBMITTERS: JSON.stringify({ [TOKEN]: ['bench'] }),
  });
  const worker = spawnServiceMain('services/results-worker/src/main.ts', {
    ...env,
    WORKER_DURABLE: `bench-results-${run}`,
  });
  const nc = await connect({ servers: nats.url });
  const relay = new OutboxRelay({
    database: db,
    nats: nc,
    logger,
    streams: [packflowEventsStream(undefined, { name: stream })],
  });
  try {
    const url = await web.waitForOutput((out) => /"url":"([^"]+)"/.exec(out)?.[1], 'the web to listen');
    await worker.waitForOutput((out) => out.includes('results-worker started'), 'the results worker to start');
    relay.start();
    const bodies = reports.map((r) => JSON.stringify(r));
    const before = await countTests();
    let next = 0;
    const ms = await timed(async () => {
      await Promise.all(
        Array.from({ length: SUBMITTERS }, async () => {
          for (let i = next++; i < bodies.length; i = next++) {
            const response = await fetch(`${url}/api/kcidb/submit`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
              body: bodies[i],
            });
            if (response.status !== 202)
              throw new Error(`submit answered ${response.status}: ${await response.text()}`);
            await response.arrayBuffer();
          }
        }),
      );
      await waitFor(
        async () => {
          const {
            rows: [{ left }],
          } = await db.query<{ left: number }>(
            `select count(*)::int as left from shared.kcidb_submissions where status <> 'processed'`,
          );
          return left === 0;
        },
        { what: 'every submission to be processed', timeoutMs: 600_000, intervalMs: 5 },
      );
    });
    const loaded = (await countTests()) - before;
    if (loaded !== reports.length * TESTS_PER_REPORT) {
      throw new Error(`end to end: ${loaded} tests loaded of ${reports.length * TESTS_PER_REPORT} submitted`);
    }
    return ms;
  } finally {
    await relay.stop();
    await nc.drain();
    await Promise.all([web.terminate(), worker.terminate()]);
    await nats.dispose();
  }
}

type Latency = { p50: number; p95: number; rows: number };

/**
 * The six queries of the default window (the last 7 days), and a test history page after
 * the first 100 rows (a keyset cursor), each QUERY_RUNS times after two warm-ups.
 */
async function listQueries(label: string): Promise<Record<string, Latency>> {
  const {
    rows: [pick],
  } = await db.query<{ commit: string; build: string }>(
    `select c.git_commit_hash as commit, (select b.id from shared.kcidb_builds b where b.checkout_id = c.id order by b.id limit 1) as build
       from shared.kcidb_checkouts c where c.id = 'o1:c10'`,
  );
  const after100 = (await service.testHistory({ path: 'ltp.sem01', limit: '100' })).next;
  const queries: [string, () => Promise<unknown>][] = [
    ['trees', () => service.trees({})],
    ['revision', () => service.revision({ commit: pick.commit })],
    ['hardware', () => service.hardware({})],
    ['hardware_results', () => service.hardwareResults({ hardware: 'acme,board-4' })],
    ['test_history', () => service.testHistory({ path: 'ltp.sem01' })],
    ['test_history_after_100', () => service.testHistory({ path: 'ltp.sem01', cursor: after100 ?? undefined })],
    ['path_rollup', () => service.pathRollup({ build_id: pick.build })],
  ];
  const out: Record<string, Latency> = {};
  for (const [name, run] of queries) {
    for (let i = 0; i < 2; i++) await run();
    const times: number[] = [];
    let result: unknown;
    for (let i = 0; i < QUERY_RUNS; i++) {
      const t0 = performance.now();
      result = await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const rows = (result as { items: unknown[] }).items.length;
    out[name] = { p50: percentile(times, 0.5), p95: percentile(times, 0.95), rows };
    say(`  ${label} ${name}: p50 ${round(out[name].p50)} ms, p95 ${round(out[name].p95)} ms (${rows} rows)`);
  }
  return out;
}

async function settle(): Promise<void> {
  await db.query(
    'vacuum analyze shared.kcidb_checkouts, shared.kcidb_builds, shared.kcidb_tests, shared.kcidb_build_rollups, shared.kcidb_hardware_rollups, shared.kcidb_hardware_result_rollups',
  );
  // Measure the steady state, not the checkpoint that writing millions of rows sets off.
  await db.query('checkpoint').catch(() => say('(no checkpoint: not a superuser)'));
}

try {
  // 1. ingest. A first report warms up (JIT, connections) and is not counted.
  await processor.processSubmission((await service.submit(`Bearer ${TOKEN}`, report(REPORTS * 10))).id);
  let next = 0;
  const batch = (count: number) => Array.from({ length: count }, () => report(next++));
  const perS = (reports: number, ms: number) => (reports * TESTS_PER_REPORT) / (ms / 1000);

  // 1a. submit REPORTS reports one after the other
  const submitted = batch(REPORTS);
  const submitMs = await timed(async () => {
    for (const r of submitted) await service.submit(`Bearer ${TOKEN}`, r);
  });
  // 1b. load half of them with one loader (the in-process queue), the rest with two (two workers)
  const process1Ms = await timed(() => processor.processPending(REPORTS / 2));
  const process2Ms = await timed(() => Promise.all([processor.processPending(), processor.processPending()]));
  const {
    rows: [{ ready }],
  } = await db.query<{ ready: number }>(
    `select count(*)::int as ready from shared.kcidb_submissions where status <> 'processed'`,
  );
  if (ready) throw new Error(`${ready} submissions were not processed`);

  // 1c. end to end as deployed, through the web's HTTP endpoint.
  const endToEndMs = await endToEnd(batch(REPORTS / 2));
  const submitPerS = perS(REPORTS, submitMs);
  const processPerS = perS(REPORTS / 2, process1Ms);
  const process2PerS = perS(REPORTS / 2, process2Ms);
  const endToEndPerS = perS(REPORTS / 2, endToEndMs);
  say(`ingest: reports of ${TESTS_PER_REPORT} tests (and 10 builds, 1 checkout)`);
  say(
    `  submit (token, validation, durable store): ${Math.round(submitPerS)} tests/s (${round(submitMs / REPORTS)} ms/report)`,
  );
  say(
    `  load into the tables, one loader:          ${Math.round(processPerS)} tests/s (${round(process1Ms / (REPORTS / 2))} ms/report)`,
  );
  say(`  load into the tables, two loaders:         ${Math.round(process2PerS)} tests/s`);
  say(
    `  end to end, ${SUBMITTERS} clients POSTing to the web, relay, JetStream, worker (each its own process): ` +
      `${Math.round(endToEndPerS)} tests/s`,
  );

  if (INGEST_ONLY) {
    say(
      JSON.stringify({
        bench: 'results',
        quick,
        parts: 'ingest',
        submit_tests_per_s: Math.round(submitPerS),
        process_tests_per_s: Math.round(processPerS),
        process_two_loaders_tests_per_s: Math.round(process2PerS),
        end_to_end_tests_per_s: Math.round(endToEndPerS),
      }),
    );
    await testDb.drop();
    process.exit(0);
  }

  // 2. bulk fill to TOTAL_TESTS over the last 30 days
  const fillStart = performance.now();
  await db.query(`select setseed(0.42)`);
  await fillKcidb(db, {
    tests: TOTAL_TESTS - (await countTests()),
    currentHour: TOTAL_TESTS / 10,
    fromDay: 0,
    days: 30,
    prefix: '',
  });
  await settle();
  const inWindow = async () =>
    (
      await db.query<{ hour: number; week: number }>(
        `select count(*) filter (where start_time >= date_trunc('hour', now(), 'UTC'))::int as hour,
                count(*) filter (where start_time >= now() - interval '7 days')::int as week
           from shared.kcidb_tests where start_time >= now() - interval '7 days'`,
      )
    ).rows[0];
  const window1 = await inWindow();
  const total1 = await countTests();
  say(
    `filled to ${total1} tests in ${round((performance.now() - fillStart) / 1000)} s ` +
      `(${window1.week} in the last 7 days, ${window1.hour} in the current hour)`,
  );

  // 3. queries at 1M
  const at1 = await listQueries(`${total1} tests,`);

  // 4. history: older tests, 30 days and more before now, with their checkouts and builds
  const historyStart = performance.now();
  const historyDays = Math.max(1, Math.ceil(HISTORY_TESTS / (TOTAL_TESTS / 30)));
  await withTestIndexesRebuilt(db, () =>
    fillKcidb(db, { tests: HISTORY_TESTS, fromDay: 30, days: historyDays, prefix: 'h' }),
  );
  await settle();
  const total2 = await countTests();
  say(
    `history: ${HISTORY_TESTS} older tests over ${historyDays} days added in ` +
      `${round((performance.now() - historyStart) / 1000)} s, ${total2} tests in all`,
  );
  const at2 = await listQueries(`${total2} tests,`);

  const figures: Record<string, number> = {};
  for (const [name, l] of Object.entries(at1)) {
    figures[`${name}_p50_ms`] = round(l.p50);
    figures[`${name}_p95_ms`] = round(l.p95);
  }
  for (const [name, l] of Object.entries(at2)) {
    figures[`${name}_history_p50_ms`] = round(l.p50);
    figures[`${name}_history_p95_ms`] = round(l.p95);
  }
  say(
    JSON.stringify({
      bench: 'results',
      quick,
      reports: REPORTS,
      tests_per_report: TESTS_PER_REPORT,
      submit_tests_per_s: Math.round(submitPerS),
      process_tests_per_s: Math.round(processPerS),
      process_two_loaders_tests_per_s: Math.round(process2PerS),
      end_to_end_tests_per_s: Math.round(endToEndPerS),
      total_tests: total1,
      tests_last_7_days: window1.week,
      tests_current_hour: window1.hour,
      history_total_tests: total2,
      ...figures,
    }),
  );
} finally {
  await testDb.drop();
}
