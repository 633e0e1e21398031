// The scheduler's fedora-messaging consumer against real RabbitMQ: the real fixture
// messages published as fedora-messaging publishes them (topic as routing key, JSON
// body, message id), recorded once each, acknowledged only once recorded, bad ones
// recorded as rejected; and a broker of the test's own restarted mid-stream loses none.
// Each test publishes to a topic exchange of its own, so runs on one broker never share
// messages.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { Connection } from 'rabbitmq-client';
import { createLogger } from '@packflow/core';
import { isIgnored, parseMessage } from '@packflow/events';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  sharedFixturesDir,
  startNatsServer,
  startRabbitMq,
  uniqueName,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startScheduler } from '../index.js';

const PREFETCH = 32;
const SHARED_BROKER = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

interface Published {
  topic: string;
  id: string;
  headers: Record<string, unknown>;
  body: unknown;
}

/** A fixture as fedora-messaging puts it on the wire: wrapped files carry id, headers and body. */
function asPublished(file: string): Published {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const wrapped = typeof json.body === 'object' && json.body !== null && ('id' in json || 'headers' in json);
  return {
    topic: String(json.topic),
    id: wrapped ? String(json.id) : randomUUID(),
    headers: wrapped ? ((json.headers as Record<string, unknown>) ?? {}) : {},
    body: wrapped ? json.body : json,
  };
}

async function publish(url: string, exchange: string, messages: Published[], raw?: Buffer): Promise<void> {
  const connection = new Connection({ url, retryLow: 100, retryHigh: 1000 });
  connection.on('error', () => {});
  const publisher = connection.createPublisher({
    confirm: true,
    exchanges: [{ exchange, type: 'topic', durable: true }],
  });
  try {
    for (const m of messages) {
      await publisher.send(
        {
          exchange,
          routingKey: m.topic,
          messageId: m.id,
          headers: m.headers,
          contentType: 'application/json',
          contentEncoding: 'utf-8',
          durable: true,
        },
        raw ?? Buffer.from(JSON.stringify(m.body)),
      );
    }
  } finally {
    await publisher.close();
    await connection.close();
  }
}

interface Recorded {
  delivery_id: string;
  type: string;
  disposition: string;
  reason: string | null;
}

async function recorded(sql: pg.Pool, ids: string[]): Promise<Recorded[]> {
  const { rows } = await sql.query<Recorded>(
    `select delivery_id, type, disposition, reason from shared.events where delivery_id = any($1) order by id`,
    [ids],
  );
  return rows;
}

async function startWithBus(
  db: TestDatabase,
  nats: TestNatsServer,
  bus: { url: string; exchange: string; queue: string },
): Promise<RunningService> {
  const service = await startScheduler({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SCHEDULER_PORT: '0',
      FEDORA_MESSAGING_URL: bus.url,
      FEDORA_MESSAGING_EXCHANGE: bus.exchange,
      FEDORA_MESSAGING_QUEUE: bus.queue,
      FEDORA_MESSAGING_PREFETCH: String(PREFETCH),
    },
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  await waitForState(service, 'consuming');
  return service;
}

async function waitForState(service: RunningService, state: string): Promise<void> {
  await waitFor(
    async () => {
      const body = (await (await fetch(`${service.url}/healthz`)).json()) as { fedoraMessaging?: { state: string } };
      return body.fedoraMessaging?.state === state;
    },
    { what: `fedora-messaging consumer ${state}`, timeoutMs: 30_000 },
  );
}

/** Messages ready in the queue (not counting those delivered and not yet acknowledged). */
async function queueDepth(url: string, queue: string): Promise<number> {
  const connection = new Connection({ url });
  try {
    return (await connection.queueDeclare({ queue, passive: true })).messageCount;
  } finally {
    await connection.close();
  }
}

let db: TestDatabase;
let nats: TestNatsServer;
let sql: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
  sql = new pg.Pool({ connectionString: db.url, max: 2 });
  sql.on('error', () => {});
});
afterAll(async () => {
  await sql.end();
  await nats.dispose();
  await db.drop();
});

describe('fedora-messaging consumer on the shared broker', () => {
  const bus = { url: SHARED_BROKER, exchange: uniqueName('pf.topic'), queue: uniqueName('pf-queue') };
  let service: RunningService;
  beforeAll(async () => {
    service = await startWithBus(db, nats, bus);
  });
  afterAll(async () => {
    await service.close();
    // The queue is durable by design; a test's own is removed when the test is done.
    const connection = new Connection({ url: SHARED_BROKER });
    await connection.queueDelete({ queue: bus.queue });
    await connection.exchangeDelete({ exchange: bus.exchange });
    await connection.close();
  });

  it('records every real fixture message once, as the message parser reads it', async () => {
    const dir = join(sharedFixturesDir()!, 'messages');
    const messages = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => asPublished(join(dir, f)));
    expect(messages.length).toBeGreaterThan(10);
    await publish(bus.url, bus.exchange, messages);

    const ids = messages.map((m) => m.id);
    const rows = await waitFor(
      async () => ((await recorded(sql, ids)).length === ids.length ? recorded(sql, ids) : null),
      {
        what: `${ids.length} recorded messages`,
      },
    );
    for (const m of messages) {
      const row = rows.find((r) => r.delivery_id === m.id)!;
      let expected: Partial<Recorded>;
      try {
        const parsed = parseMessage({ topic: m.topic, id: m.id, headers: m.headers, body: m.body });
        expected = isIgnored(parsed) ? { disposition: 'ignored' } : { type: parsed.type };
      } catch (error) {
        expected = { disposition: 'rejected', reason: (error as Error).message };
      }
      expect({ topic: m.topic, ...row }).toMatchObject({ topic: m.topic, ...expected });
    }
  });

  it('records a message delivered twice (same message id) once', async () => {
    const dir = join(sharedFixturesDir()!, 'messages');
    const message = asPublished(join(dir, 'pagure_pr_new.json'));
    await publish(bus.url, bus.exchange, [message, message]);
    const marker = { ...asPublished(join(dir, 'copr_build_start.json')), id: randomUUID() };
    await publish(bus.url, bus.exchange, [marker]);
    // The marker was published after both copies: once it is recorded, so are they.
    await waitFor(async () => (await recorded(sql, [marker.id])).length === 1, { what: 'the marker message' });
    expect(await recorded(sql, [message.id])).toHaveLength(1);
  });

  it('records a body that is not JSON, or lacks what its topic needs, as rejected with the reason, once', async () => {
    const notJson: Published = {
      topic: 'org.fedoraproject.prod.copr.build.end',
      id: randomUUID(),
      headers: {},
      body: null,
    };
    await publish(bus.url, bus.exchange, [notJson], Buffer.from('{"build": 12, oops'));
    const noBuild: Published = {
      topic: 'org.fedoraproject.prod.copr.build.end',
      id: randomUUID(),
      headers: {},
      body: { chroot: 'fedora-rawhide-x86_64', status: 1 },
    };
    await publish(bus.url, bus.exchange, [noBuild]);

    const rows = await waitFor(
      async () =>
        (await recorded(sql, [notJson.id, noBuild.id])).length === 2 ? recorded(sql, [notJson.id, noBuild.id]) : null,
      { what: 'both rejected messages' },
    );
    const byId = new Map(rows.map((r) => [r.delivery_id, r]));
    expect(byId.get(notJson.id)).toMatchObject({ disposition: 'rejected', type: notJson.topic });
    expect(byId.get(notJson.id)!.reason).toMatch(/not valid JSON/);
    expect(byId.get(noBuild.id)).toMatchObject({ disposition: 'rejected' });
    expect(byId.get(noBuild.id)!.reason).toMatch(/build/);

    // Acknowledged, not requeued: the queue holds nothing once they are recorded.
    expect(await queueDepth(SHARED_BROKER, bus.queue)).toBe(0);
  });
});

describe('fedora-messaging consumer across a broker restart', () => {
  it('loses no message when the broker restarts mid-stream, and records each once', async () => {
    const broker = await startRabbitMq();
    const bus = { url: broker.url, exchange: uniqueName('pf.topic'), queue: uniqueName('pf-queue') };
    const service = await startWithBus(db, nats, bus);
    try {
      const template = asPublished(join(sharedFixturesDir()!, 'messages', 'copr_build_end.json'));
      const batch = (n: number) => Array.from({ length: n }, () => ({ ...template, id: randomUUID() }));
      const before = batch(150);
      const after = batch(50);

      // Recording blocks while this lock is held: the consumer holds a full prefetch of
      // messages unacknowledged (in flight) and the rest wait in the queue when the broker stops.
      const lock = await sql.connect();
      await lock.query('begin');
      await lock.query('lock table shared.events in share row exclusive mode');
      try {
        await publish(bus.url, bus.exchange, before);
        await waitFor(async () => (await queueDepth(bus.url, bus.queue)) === before.length - PREFETCH, {
          what: 'a full prefetch in flight and the rest queued',
        });
        await broker.stop();
        await waitForState(service, 'reconnecting');
        await broker.start();
      } finally {
        await lock.query('commit');
        lock.release();
      }
      await waitForState(service, 'consuming');
      await publish(bus.url, bus.exchange, after);

      const ids = [...before, ...after].map((m) => m.id);
      await waitFor(async () => (await recorded(sql, ids)).length === ids.length, {
        what: `all ${ids.length} messages recorded`,
        timeoutMs: 60_000,
      });
      const { rows } = await sql.query<{ n: string }>(
        `select count(*) as n from shared.events where delivery_id = any($1)`,
        [ids],
      );
      expect(Number(rows[0]!.n)).toBe(ids.length);
    } finally {
      await service.close();
      await broker.dispose();
    }
  }, 180_000);
});
