import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createLogger, DeadLetter, type MikroORM } from '@packflow/core';
import { toEventMessage, type PackflowEvent } from '@packflow/events';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  spawnServiceMain,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startUpstreamWorker } from './index.js';

const logger = createLogger({ name: 'test', level: 'silent' });
let db: TestDatabase;
let nats: TestNatsServer;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats.dispose();
  await db.drop();
});

// A closed pull request: the worker handles it without calling any forge (it cancels
// the pull request's unfinished pipelines: none here).
const event: PackflowEvent = {
  type: 'pull_request.closed',
  source: 'github',
  project: { forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'widget' },
  ref: { kind: 'pull_request', name: '7' },
  sha: 'a'.repeat(40),
  actor: 'alice',
  pullRequest: {
    number: 7,
    title: 'Fix',
    url: null,
    sourceBranch: 'fix',
    targetBranch: 'main',
    sourceProject: null,
    merged: false,
  },
};

describe('upstream worker on JetStream', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let orm: MikroORM;
  let worker: RunningService;

  beforeAll(async () => {
    nc = await connect({ servers: nats.url });
    jsm = await jetstreamManager(nc);
    orm = await db.orm();
    // The events the messages name, as the scheduler records them.
    const project = await db
      .pool()
      .query(
        `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'widget') returning id`,
      );
    for (const id of [1, 2, 3]) {
      await db
        .pool()
        .query(
          `insert into shared.events (id, source, type, delivery_id, project_id, payload) values ($1, 'github', 'pull_request.closed', $2, $3, '{}')`,
          [id, `gh-${id}`, project.rows[0].id],
        );
    }
    // As `pnpm start` runs it: on connections it shares with the other services.
    worker = await startUpstreamWorker({
      env: { DATABASE_URL: db.url, NATS_URL: nats.url },
      logger,
      shared: { database: db.pool(), orm, nats: nc },
    });
  });
  afterAll(async () => {
    await worker.close();
    await nc.drain();
  });

  const settled = async (durable: string, seq: number) =>
    waitFor(
      async () => {
        const info = await jsm.consumers.info('PACKFLOW_EVENTS', durable);
        return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 && info.num_pending === 0;
      },
      { what: `${durable} to settle` },
    );

  it('creates the events stream and its durable consumer, upstream.> only', async () => {
    const stream = await jsm.streams.info('PACKFLOW_EVENTS');
    expect(stream.config.subjects.sort()).toEqual(['results.>', 'stream.>', 'upstream.>']);
    const consumer = await jsm.consumers.info('PACKFLOW_EVENTS', 'upstream-worker');
    expect(consumer.config).toMatchObject({
      durable_name: 'upstream-worker',
      ack_policy: 'explicit',
      filter_subject: 'upstream.>',
    });
  });

  it('acknowledges a valid event and dead-letters one whose payload does not match its subject', async () => {
    const js = jetstream(nc);
    const message = toEventMessage(event, { eventId: '1', deliveryId: 'gh-1', ecosystem: 'upstream' });
    await js.publish('upstream.pull_request.closed', JSON.stringify(message), { msgID: 'gh-1' });
    const bad = await js.publish(
      'upstream.pull_request.closed',
      JSON.stringify({ ...message, deliveryId: 'gh-2', pullRequest: { number: 'seven' } }),
      {
        msgID: 'gh-2',
      },
    );
    await settled('upstream-worker', bad.seq);

    const letters = await orm.em.fork().find(DeadLetter, {});
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      subject: 'upstream.pull_request.closed',
      msgId: 'gh-2',
      consumer: 'upstream-worker',
      deliveries: 1,
    });
    expect(letters[0].error).toMatch(/^invalid payload: message on upstream\.pull_request\.closed: pullRequest/);
  });

  it('keeps consuming after NATS restarts', async () => {
    await nats.stop();
    await nats.start();
    const message = toEventMessage(event, { eventId: '3', deliveryId: 'gh-3', ecosystem: 'upstream' });
    const { seq } = await waitFor(
      () => jetstream(nc).publish('upstream.pull_request.closed', JSON.stringify(message), { msgID: 'gh-3' }),
      {
        what: 'NATS to take a publish again',
        timeoutMs: 30_000,
      },
    );
    await settled('upstream-worker', seq);
  });

  it('runs another deployment with WORKER_DURABLE and WORKER_SUBJECTS, and leaves shared connections open on close', async () => {
    const other = await startUpstreamWorker({
      env: {
        DATABASE_URL: db.url,
        NATS_URL: nats.url,
        WORKER_DURABLE: 'upstream-worker-gitlab',
        WORKER_SUBJECTS: 'upstream.push.>',
      },
      logger,
      shared: { database: db.pool(), orm, nats: nc },
    });
    const consumer = await jsm.consumers.info('PACKFLOW_EVENTS', 'upstream-worker-gitlab');
    expect(consumer.config.filter_subject).toBe('upstream.push.>');
    await other.close();
    expect(nc.isClosed()).toBe(false);
    expect(await orm.em.fork().count(DeadLetter, {})).toBe(1);
  });
});

describe('upstream worker process', () => {
  it('starts alone, connects, and exits 0 on SIGTERM', async () => {
    const child = spawnServiceMain('services/upstream-worker/src/main.ts', {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
    });
    await child.waitForOutput((out) => out.includes('upstream-worker started'), 'the worker to start');
    expect(await child.terminate()).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
