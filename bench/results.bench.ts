// `pnpm bench results [--quick]`: KCIDB ingest throughput and query latency.
//
// 1. Ingest, reports of 1,000 tests (and 10 builds of one checkout):
//    a. submit: KcidbService.submit (token, validation, durable store), one after the other;
//    b. load: KcidbSubmissionProcessor.processPending with one loader, then with two at
//       once (as two results-worker replicas would);
//    c. end to end as deployed: each submission stored with its outbox row, relayed to
//       JetStream (`results.kcidb.submitted`) and loaded by a results worker, timed from
//       the first submit until the last submission is processed.
// 2. The tables are then filled in bulk (SQL, not the ingest path) to 1,000,000 tests
//    (--quick: 100,000) spread over 30 days, 3 origins, 16 tree/branches, 40 hardware.
// 3. The trees and hardware listings of the default window (the last 7 days) run
//    repeatedly; p50 and p95 latency are reported.
import { performance } from 'node:perf_hooks';
import { connect } from '@nats-io/transport-node';
import { createLogger } from '@packflow/core';
import { OutboxRelay, packflowEventsStream } from '@packflow/messaging';
import {
  announceKcidbSubmission,
  KcidbService,
  KcidbSubmissionProcessor,
  toKcidbSubmitters,
  type KcidbReport,
} from '@packflow/results';
import { startResultsWorker } from '@packflow/results-worker';
import { createTestDatabase, startNatsServer, waitFor } from '@packflow/testing';

const quick = process.argv.includes('--quick');
const REPORTS = quick ? 20 : 80;
const TESTS_PER_REPORT = 1000;
const TOTAL_TESTS = quick ? 100_000 : 1_000_000;
const QUERY_RUNS = quick ? 10 : 40;
const TOKEN = 'bench-token-0123456789abcdef';

const logger = createLogger({ name: 'bench-results', level: 'warn', pretty: false });
const say = (line: string) => process.stdout.write(`${line}\n`);

function report(n: number): KcidbReport {
  const checkout = `bench:c${n}`;
  const start = Date.now() - 3600_000;
  const builds = Array.from({ length: 10 }, (_, b) => ({
    id: `bench:c${n}-b${b}`,
    origin: 'bench',
    checkout_id: checkout,
    architecture: b % 2 ? 'arm64' : 'x86_64',
    config_name: b % 3 ? 'defconfig' : 'allmodconfig',
    status: (b % 7 ? 'PASS' : 'FAIL') as 'PASS' | 'FAIL',
    start_time: new Date(start).toISOString(),
    duration: 600 + b,
    log_url: `https://logs.example.org/${n}/${b}/build.log`,
  }));
  const paths = [
    'boot',
    'boot.start',
    'boot.login',
    'ltp.sem01',
    'ltp.sem02',
    'kselftest.net.ip',
    'kselftest.timers.nanosleep',
  ];
  const statuses = ['PASS', 'PASS', 'PASS', 'FAIL', 'SKIP', 'ERROR', 'DONE', 'MISS'] as const;
  const tests = Array.from({ length: TESTS_PER_REPORT }, (_, t) => ({
    id: `bench:c${n}-t${t}`,
    origin: 'bench',
    build_id: builds[t % builds.length].id,
    path: `${paths[t % paths.length]}${t >= paths.length * 10 ? `.case${t}` : ''}`,
    status: statuses[t % statuses.length],
    start_time: new Date(start + t * 1000).toISOString(),
    duration: (t % 90) + 0.5,
    log_url: `https://logs.example.org/${n}/tests/${t}.log`,
    environment: t % 2 ? { compatible: [`acme,board-${t % 20}`, 'acme,soc'] } : { misc: { platform: `qemu-${t % 5}` } },
    misc: { runtime: 'lava', job: `${n}-${t}` },
  }));
  return {
    version: { major: 5, minor: 3 },
    checkouts: [
      {
        id: checkout,
        origin: 'bench',
        tree_name: 'mainline',
        git_repository_url: 'https://git.example.org/linux.git',
        git_repository_branch: 'master',
        git_commit_hash: (n + 1).toString(16).padStart(40, '0'),
        patchset_hash: '',
        start_time: new Date(start).toISOString(),
      },
    ],
    builds,
    tests,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const testDb = await createTestDatabase();
const db = testDb.pool();
const processor = new KcidbSubmissionProcessor(db, logger);
const service = new KcidbService({
  db,
  submitters: toKcidbSubmitters({ [TOKEN]: ['bench'] }),
  handOff: () => {},
  logger,
});

try {
  // 1. ingest. A first report warms up (JIT, connections) and is not counted.
  await processor.processSubmission((await service.submit(`Bearer ${TOKEN}`, report(REPORTS * 10))).id);
  let next = 0;
  const batch = (count: number) => Array.from({ length: count }, () => report(next++));
  const perS = (reports: number, ms: number) => (reports * TESTS_PER_REPORT) / (ms / 1000);
  const timed = async (run: () => Promise<unknown>) => {
    const t0 = performance.now();
    await run();
    return performance.now() - t0;
  };

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

  // 1c. end to end as deployed: web's submit (report + outbox row) -> the scheduler's relay
  // -> JetStream -> the results worker, on a nats-server of its own.
  const nats = await startNatsServer();
  const env = { DATABASE_URL: testDb.url, NATS_URL: nats.url };
  const nc = await connect({ servers: nats.url });
  const relay = new OutboxRelay({ database: db, nats: nc, logger, streams: [packflowEventsStream()] });
  relay.start();
  const worker = await startResultsWorker({ env, logger });
  const announcing = new KcidbService({
    db,
    submitters: toKcidbSubmitters({ [TOKEN]: ['bench'] }),
    recordInTransaction: announceKcidbSubmission,
    logger,
  });
  let endToEndMs: number;
  try {
    const reports = batch(REPORTS / 2);
    endToEndMs = await timed(async () => {
      for (const r of reports) await announcing.submit(`Bearer ${TOKEN}`, r);
      await waitFor(
        async () => {
          const {
            rows: [{ left }],
          } = await db.query<{ left: number }>(
            `select count(*)::int as left from shared.kcidb_submissions where status = 'ready'`,
          );
          return left === 0;
        },
        { what: 'every submission to be processed', timeoutMs: 600_000, intervalMs: 5 },
      );
    });
  } finally {
    await worker.close();
    await relay.stop();
    await nc.drain();
    await nats.dispose();
  }
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
  say(`  end to end via outbox, JetStream, worker:   ${Math.round(endToEndPerS)} tests/s`);
  const ingested = (REPORTS + REPORTS / 2 + 1) * TESTS_PER_REPORT;

  // 2. bulk fill
  const fillStart = performance.now();
  const remaining = TOTAL_TESTS - ingested;
  const checkoutsPerDay = 3 * 16;
  const checkouts = 30 * checkoutsPerDay;
  const buildsPerCheckout = 12;
  const builds = checkouts * buildsPerCheckout;
  const testsPerBuild = Math.ceil(remaining / builds);
  await db.query(`select setseed(0.42)`);
  await db.query(
    `insert into shared.kcidb_checkouts (id, origin, tree_name, git_repository_url, git_repository_branch, git_commit_hash, patchset_hash, start_time, git_commit_tags)
     select 'o' || (i % 3) || ':c' || i, 'o' || (i % 3), 'tree' || ((i / 3) % 8), 'https://git.example.org/tree' || ((i / 3) % 8) || '.git',
       case when (i / 24) % 2 = 0 then 'master' else 'next' end, md5(i::text) || left(md5((i + 1)::text), 8), '',
       now() - make_interval(days => i / $2) - make_interval(mins => i % $2), array['v' || i]
     from generate_series(0, $1 - 1) i`,
    [checkouts, checkoutsPerDay],
  );
  await db.query(
    `insert into shared.kcidb_builds (id, checkout_id, origin, architecture, config_name, status, start_time)
     select 'o' || ((i / $2) % 3) || ':b' || i, 'o' || ((i / $2) % 3) || ':c' || (i / $2), 'o' || ((i / $2) % 3),
       (array['x86_64','arm64','riscv'])[1 + i % 3], (array['defconfig','allmodconfig','tinyconfig','kselftest'])[1 + i % 4],
       (array['PASS','PASS','PASS','FAIL','ERROR'])[1 + (i % 5)], now()
     from generate_series(0, $1 - 1) i`,
    [builds, buildsPerCheckout],
  );
  await db.query(
    `insert into shared.kcidb_tests (id, build_id, origin, path, status, start_time, environment_compatible, environment_misc, duration)
     select 'o' || (b % 3) || ':t' || i, 'o' || (b % 3) || ':b' || b, 'o' || (b % 3),
       (array['boot','boot.start','boot.login','ltp.sem01','ltp.sem02','ltp.fs.read','kselftest.net.ip','kselftest.timers.sleep'])[1 + i % 8]
         || case when i % 3 = 0 then '.case' || (i % 50) else '' end,
       (array['PASS','PASS','PASS','PASS','FAIL','SKIP','ERROR','DONE','MISS'])[1 + floor(random() * 9)::int],
       now() - make_interval(days => (b / $3) / $4) - make_interval(mins => ((b / $3) % $4) + (i % $2)),
       case when i % 2 = 0 then array['acme,board-' || (i % 40), 'acme,soc-' || (i % 4)] end,
       case when i % 2 = 1 then jsonb_build_object('platform', 'platform-' || (i % 40)) end,
       random() * 100
     from (select i, i / $2 as b from generate_series(0, $1 - 1) i) s`,
    [remaining, testsPerBuild, buildsPerCheckout, checkoutsPerDay],
  );
  await db.query('vacuum analyze shared.kcidb_checkouts, shared.kcidb_builds, shared.kcidb_tests');
  // Measure the steady state, not the checkpoint that writing a million rows sets off.
  await db.query('checkpoint').catch(() => say('(no checkpoint: not a superuser)'));
  const {
    rows: [{ n }],
  } = await db.query<{ n: number }>('select count(*)::int as n from shared.kcidb_tests');
  say(`filled to ${n} tests in ${round((performance.now() - fillStart) / 1000)} s`);

  // 3. queries
  const latency = async (name: string, run: () => Promise<unknown>) => {
    for (let i = 0; i < 2; i++) await run();
    const times: number[] = [];
    let result: unknown;
    for (let i = 0; i < QUERY_RUNS; i++) {
      const t0 = performance.now();
      result = await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 0.5);
    const p95 = percentile(times, 0.95);
    say(
      `${name}: p50 ${round(p50)} ms, p95 ${round(p95)} ms over ${QUERY_RUNS} runs (${(result as { items: unknown[] }).items.length} rows)`,
    );
    return { p50, p95 };
  };
  const trees = await latency('trees (last 7 days)', () => service.trees({}));
  const hardware = await latency('hardware (last 7 days)', () => service.hardware({}));

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
      total_tests: n,
      trees_p50_ms: round(trees.p50),
      trees_p95_ms: round(trees.p95),
      hardware_p50_ms: round(hardware.p50),
      hardware_p95_ms: round(hardware.p95),
    }),
  );
} finally {
  await testDb.drop();
}
