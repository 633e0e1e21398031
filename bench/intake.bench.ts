// bench/intake: signed GitHub pull_request webhooks sent over HTTP to the scheduler,
// which verifies each signature, parses, and records project/ref/commit, the event and
// its outbox message in PostgreSQL (NATS running; the relay publishes as it would).
// The scheduler runs in a process of its own (as deployed); this process is the sender,
// keeping CONCURRENCY requests in flight, each with a unique delivery id.
// Prints accepted events/s and p50/p99 latency. Target (2 cores): 2,000 events/s, p99 < 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@packflow/core';
import { startScheduler } from '@packflow/scheduler';
import { createTestDatabase, sharedFixturesDir, testNatsUrl } from '@packflow/testing';
import { isQuick, percentile, report, round } from './lib/bench.util.js';

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
      NATS_URL: testNatsUrl(),
      // The machine's NATS is shared: the bench's events go to a stream of their own,
      // which no packflow instance reads (and each run reuses).
      PACKFLOW_INSTANCE: 'bench-intake',
      SCHEDULER_PORT: '0',
      GITHUB_WEBHOOK_SECRET: SECRET,
    },
    logger: createLogger({ name: 'scheduler', level: 'warn' }),
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

function bodies(): { body: Buffer; signature: string }[] {
  const base = template();
  const out: { body: Buffer; signature: string }[] = [];
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
    payload.pull_request.head.sha = i.toString(16).padStart(40, '0');
    payload.repository = {
      ...payload.repository,
      full_name: `acme/${repo}`,
      name: repo,
      html_url: `https://github.com/acme/${repo}`,
    };
    const body = Buffer.from(JSON.stringify(payload));
    out.push({ body, signature: `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` });
  }
  return out;
}

function startServer(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_CPU_PROF=<dir>: write a CPU profile of the scheduler process there.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const loader = ['--import', fileURLToPath(new URL('../tools/register.mjs', import.meta.url))];
  const child = spawn(process.execPath, [...profile, ...loader, fileURLToPath(import.meta.url), '--serve'], {
    env: { ...process.env, NODE_OPTIONS: '', BENCH_DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.once('exit', (code) => reject(new Error(`scheduler exited with ${code} before listening`)));
  });
}

async function sendAll(): Promise<void> {
  const db = await createTestDatabase();
  const { url, child } = await startServer(db.url);
  const target = new URL('/webhooks/github', url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const prepared = bodies();
  let next = 0;

  const send = (): Promise<number> => {
    const { body, signature } = prepared[next++ % prepared.length];
    return new Promise((resolve, reject) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            'x-github-event': 'pull_request',
            'x-github-delivery': randomUUID(),
            'x-hub-signature-256': signature,
          },
        },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
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
      Array.from({ length: CONCURRENCY }, async () => {
        while (more(sent)) {
          sent++;
          const t = performance.now();
          const status = await send();
          if (status === 202) {
            accepted++;
            latencies.push(performance.now() - t);
          } else failed++;
        }
      }),
    );
    return { latencies: latencies.sort((a, b) => a - b), accepted, failed, seconds: (performance.now() - t0) / 1000 };
  }

  try {
    await run((sent) => sent < WARMUP);
    const deadline = performance.now() + SECONDS * 1000;
    const { latencies, accepted, failed, seconds } = await run(() => performance.now() < deadline);
    const pool = db.pool();
    const recorded = (
      await pool.query<{ events: string; outbox: string; published: string }>(
        `select (select count(*) from shared.events) as events, (select count(*) from shared.outbox) as outbox,
              (select count(*) from shared.outbox where published_at is not null) as published`,
      )
    ).rows[0];
    const perSecond = accepted / seconds;
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    report(
      'intake',
      [
        `intake: ${accepted} signed GitHub pull_request webhooks accepted in ${round(seconds, 1)} s, ${CONCURRENCY} in flight` +
          ` (${prepared[0].body.length} B each, ${PROJECTS} projects)${failed ? `, ${failed} not accepted` : ''}`,
        `  accepted/s: ${Math.round(perSecond)}   (target 2000)`,
        `  latency ms: p50 ${round(p50)}  p99 ${round(p99)}  max ${round(latencies.at(-1) ?? NaN)}   (target p99 < 50)`,
        `  recorded:   ${recorded.events} events, ${recorded.outbox} outbox messages (warm-up included),` +
          ` ${recorded.published} already published to NATS by the relay`,
      ],
      {
        quick,
        concurrency: CONCURRENCY,
        bodyBytes: prepared[0].body.length,
        accepted,
        failed,
        seconds: round(seconds, 2),
        eventsPerSecond: Math.round(perSecond),
        p50Ms: round(p50),
        p99Ms: round(p99),
        maxMs: round(latencies.at(-1) ?? NaN),
        events: Number(recorded.events),
        outbox: Number(recorded.outbox),
        published: Number(recorded.published),
      },
    );
    if (failed > 0 || Number(recorded.outbox) !== Number(recorded.events)) process.exitCode = 1;
  } finally {
    agent.destroy();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.drop();
  }
}
