// bench/intake: signed GitHub pull_request webhooks sent over HTTP to the scheduler,
// which verifies each signature, parses, and records project/ref/commit, the event and
// its outbox message in PostgreSQL (NATS running; the relay publishes as it would).
// The scheduler runs in a process of its own (as deployed, logging at its default level,
// info) on a nats-server of the run's own; this process is the load, keeping CONCURRENCY
// requests in flight, each with a new delivery id and a body of its own (a new head
// commit, over 200 projects x 5 pull requests), signed per request.
// Prints accepted events/s and p50/p99 latency, then waits for the relay to empty the
// outbox and checks that every accepted webhook was recorded once and is in the run's
// JetStream stream.
// Target (2 cores): 2,000 events/s, p99 < 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createLogger } from '@packflow/core';
import { PACKFLOW_EVENTS_STREAM } from '@packflow/messaging';
import { startScheduler } from '@packflow/scheduler';
import { createTestDatabase, sharedFixturesDir, startNatsServer, waitFor } from '@packflow/testing';
import { isQuick, ownCpuMs, percentile, postgresCpuMs, processCpuMs, report, round } from './lib/bench.util.js';
import { Http1Connection } from './lib/http1.client.js';

const SECRET = 'bench-webhook-secret';
const CONCURRENCY = 32;
const quick = isQuick();
const WARMUP = quick ? 500 : 2_000;
const SECONDS = quick ? 8 : 30;
/** Distinct bodies (projects x pull requests x head commits); deliveries cycle over them. */
const BODIES = 2_000;
const PROJECTS = 200;

if (process.argv.includes('--serve')) {
  // The scheduler process: started by the sender below, stopped with SIGTERM.
  const service = await startScheduler({
    env: {
      DATABASE_URL: process.env.BENCH_DATABASE_URL,
      NATS_URL: process.env.BENCH_NATS_URL,
      JETSTREAM_STREAM: process.env.BENCH_STREAM,
      SCHEDULER_PORT: '0',
      GITHUB_WEBHOOK_SECRET: SECRET,
    },
    // The default level: what a deployment pays for its log lines is part of the figure.
    logger: createLogger({ name: 'scheduler', level: 'info' }),
  });
  process.stdout.write(`${JSON.stringify({ url: service.url })}\n`);
  process.once('SIGTERM', () => void service.close().then(() => process.exit(0)));
} else {
  await sendAll();
}

/** A real pull_request payload when the fixtures are there (about 20 KB), else a smaller one of the same shape. */
function template(): Record<string, unknown> {
  const fixtures = sharedFixturesDir();
  const file = fixtures ? `${fixtures}webhooks/github/pr.json` : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const repo = {
    full_name: 'acme/widget',
    name: 'widget',
    html_url: 'https://github.com/acme/widget',
    owner: { login: 'acme' },
    description: 'x'.repeat(200),
  };
  return {
    action: 'opened',
    number: 1,
    pull_request: {
      number: 1,
      title: 'Change',
      html_url: '',
      body: 'y'.repeat(4000),
      head: { ref: 'fix', sha: '', repo },
      base: { ref: 'main', repo },
      merged: false,
    },
    repository: repo,
    sender: { login: 'alice' },
  };
}

interface Body {
  body: Buffer;
  /** Where the head commit's 40 hex digits sit in `body`: each request writes a new one there. */
  shaAt: number;
}

/** Distinct bodies over PROJECTS projects x 5 pull requests; each request then gets a head commit of its own. */
function bodies(): Body[] {
  const base = template();
  const out: Body[] = [];
  for (let i = 0; i < BODIES; i++) {
    const payload = structuredClone(base) as {
      action: string;
      number: number;
      pull_request: { number: number; html_url: string; head: { sha: string } };
      repository: { full_name: string; name: string; html_url: string };
    };
    const repo = `widget-${i % PROJECTS}`;
    const number = 1 + (Math.floor(i / PROJECTS) % 5);
    payload.action = i < PROJECTS * 5 ? 'opened' : 'synchronize';
    payload.number = number;
    payload.pull_request.number = number;
    payload.pull_request.html_url = `https://github.com/acme/${repo}/pull/${number}`;
    const marker = `${'f'.repeat(32)}${i.toString(16).padStart(8, '0')}`;
    payload.pull_request.head.sha = marker;
    payload.repository = {
      ...payload.repository,
      full_name: `acme/${repo}`,
      name: repo,
      html_url: `https://github.com/acme/${repo}`,
    };
    const body = Buffer.from(JSON.stringify(payload));
    const shaAt = body.indexOf(`"sha":"${marker}"`) + '"sha":"'.length;
    if (shaAt < '"sha":"'.length || body.indexOf(marker, shaAt + 40) !== -1) {
      throw new Error('the pull request template must carry its head sha exactly once');
    }
    out.push({ body, shaAt });
  }
  return out;
}

function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_CPU_PROF=<dir>: write a CPU profile of the scheduler process there.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const loader = ['--import', fileURLToPath(new URL('../tools/register.mjs', import.meta.url))];
  const child = spawn(process.execPath, [...profile, ...loader, fileURLToPath(import.meta.url), '--serve'], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (!line) return;
      // From here on the scheduler's log lines are read and dropped, as a log shipper would.
      child.stdout!.off('data', onData).resume();
      resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`scheduler exited with ${code} before listening`)));
  });
}

async function sendAll(): Promise<void> {
  const [db, nats] = await Promise.all([createTestDatabase(), startNatsServer()]);
  const stream = `${PACKFLOW_EVENTS_STREAM}_BENCH_${randomUUID().slice(0, 8)}`;
  const { url, child } = await startServer({
    BENCH_DATABASE_URL: db.url,
    BENCH_NATS_URL: nats.url,
    BENCH_STREAM: stream,
  });
  const target = new URL('/webhooks/github', url);
  // One keep-alive connection per request in flight, as node:http's agent kept them; the
  // lean client spares the load process's CPU, which shares the 2 cores with the scheduler.
  const connections = Array.from({ length: CONCURRENCY }, () => new Http1Connection(target));
  const prepared = bodies();
  let next = 0;

  const send = async (connection: Http1Connection): Promise<number> => {
    const n = next++;
    const { body: shape, shaAt } = prepared[n % prepared.length];
    const body = Buffer.from(shape);
    body.write(n.toString(16).padStart(40, '0'), shaAt, 'latin1');
    const signature = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const response = await connection.request(
      'POST',
      target.pathname,
      {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': signature,
      },
      body,
    );
    return response.status;
  };

  /** Keeps CONCURRENCY requests in flight until `more()` says stop; returns latencies (ms) of accepted ones. */
  async function run(
    more: (sent: number) => boolean,
  ): Promise<{ latencies: number[]; accepted: number; failed: number; seconds: number }> {
    const latencies: number[] = [];
    let sent = 0;
    let accepted = 0;
    let failed = 0;
    const t0 = performance.now();
    await Promise.all(
      connections.map(async (connection) => {
        while (more(sent)) {
          sent++;
          const t = performance.now();
          const status = await send(connection);
          if (status === 202) {
            accepted++;
            latencies.push(performance.now() - t);
          } else failed++;
        }
      }),
    );
    return { latencies: latencies.sort((a, b) => a - b), accepted, failed, seconds: (performance.now() - t0) / 1000 };
  }

  const nc = await connect({ servers: nats.url });
  try {
    const warm = await run((sent) => sent < WARMUP);
    const cpuBefore = {
      scheduler: processCpuMs(child.pid),
      load: ownCpuMs(),
      postgres: await postgresCpuMs(db.pool(), db.name),
    };
    const deadline = performance.now() + SECONDS * 1000;
    const { latencies, accepted, failed, seconds } = await run(() => performance.now() < deadline);
    // CPU per accepted webhook in the measured window: steadier than events/s when other
    // processes share the machine, so A/B comparisons read it next to the throughput.
    const schedulerCpuMs = (processCpuMs(child.pid) - cpuBefore.scheduler) / accepted;
    const loadCpuPerEventMs = (ownCpuMs() - cpuBefore.load) / accepted;
    const postgresCpuPerEventMs = ((await postgresCpuMs(db.pool(), db.name)) - cpuBefore.postgres) / accepted;
    const perSecond = accepted / seconds;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);

    // Every accepted webhook: one event, its outbox row published by the relay (which
    // deletes it then), one message in the stream.
    const acceptedAll = warm.accepted + accepted;
    const pool = db.pool();
    const counts = async () =>
      (
        await pool.query<{ events: number; waiting: number }>(
          `select (select count(*)::int from shared.events where disposition = 'accepted') as events,
                  (select count(*)::int from shared.outbox) as waiting`,
        )
      ).rows[0];
    const drainStart = performance.now();
    await waitFor(async () => (await counts()).waiting === 0, {
      what: `the relay to publish ${acceptedAll} accepted webhooks`,
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const recorded = await counts();
    const inStream = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    const complete = recorded.events === acceptedAll && recorded.waiting === 0 && inStream === acceptedAll;
    report(
      'intake',
      [
        `intake: ${accepted} signed GitHub pull_request webhooks accepted in ${round(seconds, 1)} s, ${CONCURRENCY} in flight` +
          ` (${prepared[0].body.length} B each, a new head commit per request, ${PROJECTS} projects)` +
          `${failed + warm.failed ? `, ${failed + warm.failed} not accepted` : ''}`,
        `  accepted/s: ${Math.round(perSecond)}   (target 2000)`,
        `  latency ms: p50 ${round(p50)}  p99 ${round(p99)}  max ${round(latencies.at(-1) ?? NaN)}   (target p99 < 50)`,
        `  CPU ms per accepted webhook: scheduler ${round(schedulerCpuMs, 3)}, PostgreSQL ${round(postgresCpuPerEventMs, 3)},` +
          ` load ${round(loadCpuPerEventMs, 3)}`,
        `  accepted (warm-up included) ${acceptedAll}: ${recorded.events} events recorded, ${inStream} messages in stream` +
          ` ${stream}, ${recorded.waiting} left in the outbox` +
          ` (the relay finished ${round(drainSeconds, 1)} s after the load)${complete ? '' : '  MISMATCH'}`,
      ],
      {
        quick,
        concurrency: CONCURRENCY,
        bodyBytes: prepared[0].body.length,
        accepted,
        failed: failed + warm.failed,
        seconds: round(seconds, 2),
        eventsPerSecond: Math.round(perSecond),
        p50Ms: round(p50),
        p99Ms: round(p99),
        maxMs: round(latencies.at(-1) ?? NaN),
        schedulerCpuMsPerEvent: round(schedulerCpuMs, 3),
        loadCpuMsPerEvent: round(loadCpuPerEventMs, 3),
        postgresCpuMsPerEvent: round(postgresCpuPerEventMs, 3),
        acceptedWithWarmup: acceptedAll,
        events: recorded.events,
        outboxWaiting: recorded.waiting,
        inStream,
        relayLagSeconds: round(drainSeconds, 2),
        complete,
      },
    );
    if (failed + warm.failed > 0 || !complete) process.exitCode = 1;
  } finally {
    await nc.close();
    for (const connection of connections) connection.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await Promise.all([db.drop(), nats.dispose()]);
  }
}
