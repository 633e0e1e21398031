import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createLogger } from '@packflow/core';
import { kcidbSubmittedMessage } from '@packflow/events';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  spawnServiceMain,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startResultsWorker } from './index.js';

let db: TestDatabase;
let nats: TestNatsServer;
let nc: NatsConnection;
let worker: RunningService;
/**
 * Stored an hour before the worker started, with no message: only the sweep can load it.
 * Submissions younger than the sweep interval (30 s) are left to their messages, so the
 * other tests see the message path alone.
 */
const leftOver = crypto.randomUUID();

const report = (checkoutId: string, tree: string) => ({
  version: { major: 5 },
  checkouts: [{ id: checkoutId, origin: 'myci', tree_name: tree }],
});

async function store(id: string, body: unknown, receivedAt = new Date()): Promise<void> {
  await db
    .pool()
    .query(`insert into shared.kcidb_submissions (id, origins, report, received_at) values ($1, '{myci}', $2, $3)`, [
      id,
      JSON.stringify(body),
      receivedAt,
    ]);
}

async function publish(subject: string, payload: unknown, msgID: string): Promise<number> {
  return (await jetstream(nc).publish(subject, JSON.stringify(payload), { msgID })).seq;
}

const submission = async (id: string) =>
  (
    await db
      .pool()
      .query<{ status: string; processed_at: Date | null }>(
        'select status, processed_at from shared.kcidb_submissions where id = $1',
        [id],
      )
  ).rows[0];

const processed = (id: string) =>
  waitFor(
    async () => {
      const row = await submission(id);
      return row?.status === 'processed' ? row : undefined;
    },
    { what: `submission ${id} processed` },
  );

const deadLetter = (msgId: string) =>
  waitFor(
    async () =>
      (await db.pool().query('select subject, error, consumer from shared.dead_letters where msg_id = $1', [msgId]))
        .rows[0],
    {
      what: `a dead letter for ${msgId}`,
    },
  );

async function acknowledged(seq: number): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      const info = await jsm.consumers.info('PACKFLOW_EVENTS', 'results-worker');
      return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
    },
    { what: `stream sequence ${seq} to be acknowledged` },
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
  await store(leftOver, report('myci:c-left-over', 'stable'), new Date(Date.now() - 3600_000));
  worker = await startResultsWorker({
    env: { DATABASE_URL: db.url, NATS_URL: nats.url, WORKER_BACKOFF_MS: '100' },
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  nc = await connect({ servers: nats.url });
});
afterAll(async () => {
  await nc?.drain();
  await worker?.close();
  await nats.dispose();
  await db.drop();
});

describe('results worker on JetStream', () => {
  it('consumes results.> through its own durable', async () => {
    const info = await (await jetstreamManager(nc)).consumers.info('PACKFLOW_EVENTS', 'results-worker');
    expect(info.config.filter_subject).toBe('results.>');
  });

  it('loads a submission when its results.kcidb.submitted message arrives, and acknowledges it', async () => {
    const id = crypto.randomUUID();
    await store(id, report('myci:c-message', 'mainline'));
    const message = kcidbSubmittedMessage(id, ['myci']);
    const seq = await publish(message.subject, message.payload, message.msgId);
    await processed(id);
    await acknowledged(seq);
    const { rows } = await db.pool().query(`select tree_name from shared.kcidb_checkouts where id = 'myci:c-message'`);
    expect(rows).toEqual([{ tree_name: 'mainline' }]);
  });

  it('announces a loaded submission on stream.kcidb.loaded with the commits of its checkouts, in the outbox', async () => {
    const outbox = async (id: string) =>
      (await db.pool().query('select subject, payload from shared.outbox where msg_id = $1', [`kcidb-loaded-${id}`]))
        .rows;
    const earlier = crypto.randomUUID();
    await store(earlier, {
      version: { major: 5 },
      checkouts: [{ id: 'myci:c-a', origin: 'myci', git_commit_hash: 'a'.repeat(40) }],
      builds: [{ id: 'myci:b-a', origin: 'myci', checkout_id: 'myci:c-a' }],
    });
    const later = crypto.randomUUID();
    // Tests of a build loaded earlier, beside a checkout of another commit and one without a commit.
    await store(later, {
      version: { major: 5 },
      checkouts: [
        { id: 'myci:c-b', origin: 'myci', git_commit_hash: 'b'.repeat(40) },
        { id: 'myci:c-none', origin: 'myci' },
      ],
      tests: [{ id: 'myci:t-a', origin: 'myci', build_id: 'myci:b-a', status: 'PASS' }],
    });
    const none = crypto.randomUUID();
    await store(none, report('myci:c-no-commit', 'mainline'));
    for (const id of [earlier, later, none]) {
      const message = kcidbSubmittedMessage(id, ['myci']);
      await acknowledged(await publish(message.subject, message.payload, message.msgId));
      await processed(id);
    }
    expect(await outbox(earlier)).toEqual([
      {
        subject: 'stream.kcidb.loaded',
        payload: { type: 'kcidb.loaded', submissionId: earlier, commits: ['a'.repeat(40)] },
      },
    ]);
    expect((await outbox(later))[0].payload.commits).toEqual(['a'.repeat(40), 'b'.repeat(40)]);
    expect(await outbox(none)).toEqual([]);
  });

  it('does nothing more for a redelivered message of a processed submission', async () => {
    const id = crypto.randomUUID();
    await store(id, report('myci:c-twice', 'next'));
    const message = kcidbSubmittedMessage(id, ['myci']);
    await publish(message.subject, message.payload, message.msgId);
    const first = await processed(id);
    // Another Nats-Msg-Id, so the stream does not drop it as a duplicate: a true second delivery.
    const seq = await publish(message.subject, message.payload, `${message.msgId}-again`);
    await acknowledged(seq);
    expect(await submission(id)).toEqual({ status: 'processed', processed_at: first.processed_at });
    expect((await db.pool().query('select count(*)::int as n from shared.dead_letters')).rows[0].n).toBe(0);
  });

  it('sweeps up a submission left ready with no message', async () => {
    await processed(leftOver);
    const { rows } = await db
      .pool()
      .query(`select tree_name from shared.kcidb_checkouts where id = 'myci:c-left-over'`);
    expect(rows).toEqual([{ tree_name: 'stable' }]);
  });

  it('dead-letters a message for a submission that does not exist', async () => {
    const message = kcidbSubmittedMessage(crypto.randomUUID(), ['myci']);
    await publish(message.subject, message.payload, message.msgId);
    expect(await deadLetter(message.msgId)).toEqual({
      subject: 'results.kcidb.submitted',
      consumer: 'results-worker',
      error: expect.stringContaining(`not_found: KCIDB submission ${message.payload.submissionId} does not exist`),
    });
  });

  it('dead-letters a payload that is not a results message, naming the field', async () => {
    await publish(
      'results.kcidb.submitted',
      { type: 'kcidb.submitted', submissionId: 'not-a-uuid', origins: ['myci'] },
      'bad-payload-1',
    );
    expect((await deadLetter('bad-payload-1')).error).toMatch(/submissionId/);
    await publish('results.kcidb.unknown', { type: 'kcidb.unknown' }, 'bad-subject-1');
    expect((await deadLetter('bad-subject-1')).error).toContain('results.kcidb.unknown is not a results subject');
  });
});

describe('results worker process', () => {
  it('starts alone, and exits 0 on SIGTERM', async () => {
    const child = spawnServiceMain('services/results-worker/src/main.ts', { DATABASE_URL: db.url, NATS_URL: nats.url });
    await child.waitForOutput((out) => out.includes('results-worker started'), 'the worker to start');
    expect(await child.terminate()).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
