// The outbox relay against real PostgreSQL and NATS, including a nats-server this test
// stops while rows are written and starts again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createLogger } from '@packflow/core';
import {
  createTestDatabase,
  startNatsServer,
  testNatsUrl,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '@packflow/testing';
import { OutboxRelay } from './outbox.relay.js';
import type { StreamSpec } from './jetstream.topology.js';

const logger = createLogger({ name: 'outbox-relay-test', level: (process.env.TEST_LOG_LEVEL as 'debug') ?? 'silent' });

let db: TestDatabase;
let nc: NatsConnection;
let jsm: JetStreamManager;
const streams: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  nc = await connect({ servers: testNatsUrl() });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
  await nc.drain();
  await db.drop();
});

function newStream(): StreamSpec & { prefix: string } {
  const prefix = uniqueName('pfob');
  const name = uniqueName('PFOB');
  streams.push(name);
  return { name, subjects: [`${prefix}.>`], prefix };
}

/** Writes outbox rows as the intake does: one insert statement per event. */
async function writeRows(prefix: string, ids: string[]): Promise<void> {
  for (const id of ids) {
    await db
      .pool()
      .query(`insert into shared.outbox (subject, msg_id, payload, headers) values ($1, $2, $3, $4)`, [
        `${prefix}.upstream.push`,
        `${prefix}-${id}`,
        { event: id },
        { 'X-Packflow-Event': id },
      ]);
  }
}

/** The rows still waiting to be published (the relay deletes what it published). */
async function rowsOf(prefix: string) {
  const { rows } = await db
    .pool()
    .query<{ msg_id: string; attempts: number; last_error: string | null }>(
      `select msg_id, attempts, last_error from shared.outbox where msg_id like $1 order by id`,
      [`${prefix}-%`],
    );
  return rows;
}

/** Every message of the stream in order: subject, msg id, payload, our header. */
async function streamContents(manager: JetStreamManager, name: string) {
  const { state } = await manager.streams.info(name);
  const out: Array<{ msgId: string | undefined; payload: unknown; header: string | undefined }> = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const m = await manager.streams.getMessage(name, { seq });
    if (m)
      out.push({ msgId: m.header.get('Nats-Msg-Id'), payload: m.json(), header: m.header.get('X-Packflow-Event') });
  }
  return out;
}

/** Whether no row of the stream's is left and the stream holds `count` messages. */
const published =
  (spec: StreamSpec & { prefix: string }, count: number, manager = () => jsm) =>
  async () =>
    (await rowsOf(spec.prefix)).length === 0 && (await manager().streams.info(spec.name)).state.messages === count;

/** Every message published on the stream's subjects, as the server saw it: duplicates the stream dropped too. */
function watchPublishes(spec: StreamSpec & { prefix: string }): { msgIds: string[]; stop: () => void } {
  const msgIds: string[] = [];
  const sub = nc.subscribe(`${spec.prefix}.>`, {
    callback: (_e, m) => void msgIds.push(m.headers?.get('Nats-Msg-Id') ?? ''),
  });
  return { msgIds, stop: () => sub.unsubscribe() };
}

describe('OutboxRelay', () => {
  it('publishes rows written after it started, in id order, with msg_id as Nats-Msg-Id, woken by NOTIFY rather than its poll', async () => {
    const spec = newStream();
    const relay = new OutboxRelay({ database: db.pool(), nats: nc, logger, streams: [spec], pollIntervalMs: 600_000 });
    relay.start();
    try {
      await writeRows(spec.prefix, ['a', 'b', 'c']);
      await waitFor(published(spec, 3), { what: 'the first rows to be published' });
      await writeRows(spec.prefix, ['d', 'e']);
      await waitFor(published(spec, 5), { what: 'rows written later to be published' });
    } finally {
      await relay.stop();
    }
    expect(await streamContents(jsm, spec.name)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((id) => ({ msgId: `${spec.prefix}-${id}`, payload: { event: id }, header: id })),
    );
  });

  it('publishes rows whose notification came while it settled after a pass (no poll to fall back on)', async () => {
    const spec = newStream();
    // A settle long enough that the second row's NOTIFY surely lands inside it.
    const relay = new OutboxRelay({
      database: db.pool(),
      nats: nc,
      logger,
      streams: [spec],
      pollIntervalMs: 600_000,
      settleMs: 2_000,
    });
    relay.start();
    try {
      await writeRows(spec.prefix, ['first']);
      await waitFor(published(spec, 1), { what: 'the first row to be published' });
      await writeRows(spec.prefix, ['during-settle-1', 'during-settle-2']);
      await waitFor(published(spec, 3), { what: 'the rows written while it settled to be published' });
    } finally {
      await relay.stop();
    }
    expect((await streamContents(jsm, spec.name)).map((c) => c.header)).toEqual([
      'first',
      'during-settle-1',
      'during-settle-2',
    ]);
  });

  it('lets two relays share the outbox: every row is claimed and published by exactly one', async () => {
    const spec = newStream();
    const ids = Array.from({ length: 120 }, (_, i) => String(i).padStart(3, '0'));
    await writeRows(spec.prefix, ids);
    const relays = [1, 2].map(
      () => new OutboxRelay({ database: db.pool(), nats: nc, logger, streams: [spec], batchSize: 10 }),
    );
    const publishes = watchPublishes(spec);
    for (const r of relays) r.start();
    try {
      await waitFor(published(spec, ids.length), { what: 'every row to be published' });
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    // Each row sent once by one relay (the stream would have dropped a second send unseen).
    await nc.flush();
    publishes.stop();
    expect(publishes.msgIds.sort()).toEqual(ids.map((id) => `${spec.prefix}-${id}`));
    const contents = await streamContents(jsm, spec.name);
    expect(contents.map((c) => c.msgId).sort()).toEqual(ids.map((id) => `${spec.prefix}-${id}`));
  });

  it('keeps rows written while NATS is down, records the failed attempts, and publishes each exactly once after NATS is back', async () => {
    const server = await startNatsServer();
    const relayNc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const spec = newStream();
    let closeChecker: (() => Promise<void>) | undefined;
    const relay = new OutboxRelay({
      database: db.pool(),
      nats: relayNc,
      logger,
      streams: [spec],
      publishTimeoutMs: 500,
      retryMaxMs: 300,
    });
    relay.start();
    try {
      await writeRows(spec.prefix, ['before-1', 'before-2']);
      const checker = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      const checkerJsm = await jetstreamManager(checker);
      closeChecker = () => checker.close();
      await waitFor(
        published(spec, 2, () => checkerJsm),
        { what: 'rows written before the outage' },
      );

      await server.stop();
      const during = Array.from({ length: 20 }, (_, i) => `during-${String(i).padStart(2, '0')}`);
      await writeRows(spec.prefix, during);
      await waitFor(
        async () => {
          const rows = await rowsOf(spec.prefix);
          return rows.length === 20 && rows.every((r) => r.attempts >= 1 && r.last_error);
        },
        { what: 'failed attempts to be recorded while NATS is down' },
      );

      await server.start();
      await waitFor(
        published(spec, 22, () => checkerJsm),
        {
          what: 'every row to be published after NATS is back',
          timeoutMs: 30_000,
        },
      );
      const contents = await streamContents(checkerJsm, spec.name);
      // Exactly once: publishes that timed out during the outage may still reach the
      // server on reconnect; the stream drops the retries as duplicates of their msg id.
      expect(contents.map((c) => c.msgId).sort()).toEqual(
        ['before-1', 'before-2', ...during].map((id) => `${spec.prefix}-${id}`).sort(),
      );
    } finally {
      await closeChecker?.();
      await relay.stop();
      await relayNc.close();
      await server.dispose();
    }
  });
});
