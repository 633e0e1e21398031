import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { createLogger, DeadLetter } from '@packflow/core';
import { kcidbLoadedMessage, toEventMessage, type PackflowEvent } from '@packflow/events';
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { loadStreamWorkerConfig, startStreamWorker } from './index.js';

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

const event: PackflowEvent = {
  type: 'pull_request.opened',
  source: 'gitlab',
  project: { forge: 'gitlab', instanceUrl: 'https://gitlab.com', namespace: 'redhat/centos-stream/src', repo: 'bash' },
  ref: { kind: 'pull_request', name: '12' },
  sha: 'b'.repeat(40),
  actor: 'bob',
  pullRequest: {
    number: 12,
    title: 'Rebase',
    url: null,
    sourceBranch: 'rebase',
    targetBranch: 'c10s',
    sourceProject: null,
    merged: false,
  },
};

describe('stream worker on JetStream', () => {
  it('consumes stream.> through its durable on connections of its own and acknowledges a valid event', async () => {
    const worker = await startStreamWorker({
      env: { DATABASE_URL: db.url, NATS_URL: nats.url },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      expect((await jsm.consumers.info('PACKFLOW_EVENTS', 'stream-worker')).config.filter_subject).toBe('stream.>');
      const message = toEventMessage(event, { eventId: '5', deliveryId: 'gl-5', ecosystem: 'stream' });
      const { seq } = await jetstream(nc).publish('stream.pull_request.opened', JSON.stringify(message), {
        msgID: 'gl-5',
      });
      await waitFor(
        async () => {
          const info = await jsm.consumers.info('PACKFLOW_EVENTS', 'stream-worker');
          return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
        },
        { what: 'the event to be acknowledged' },
      );
      expect(await (await db.orm()).em.fork().count(DeadLetter, {})).toBe(0);
    } finally {
      await worker.close();
    }
    await nc.drain();
  });

  it('takes announcements of loaded KCIDB submissions on stream.kcidb.loaded, and dead-letters a malformed one', async () => {
    const worker = await startStreamWorker({
      env: { DATABASE_URL: db.url, NATS_URL: nats.url },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const loaded = kcidbLoadedMessage(crypto.randomUUID(), ['c'.repeat(40)]);
      const js = jetstream(nc);
      await js.publish(loaded.subject, JSON.stringify(loaded.payload), { msgID: loaded.msgId });
      const bad = { ...loaded.payload, commits: [] };
      const { seq } = await js.publish(loaded.subject, JSON.stringify(bad), { msgID: 'kcidb-loaded-bad' });
      await waitFor(
        async () => {
          const info = await jsm.consumers.info('PACKFLOW_EVENTS', 'stream-worker');
          return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
        },
        { what: 'both messages to be acknowledged' },
      );
      const letters = await (await db.orm()).em.fork().find(DeadLetter, {});
      expect(letters.map((l) => l.msgId)).toEqual(['kcidb-loaded-bad']);
      expect(letters[0]!.error).toMatch(/commits/);
    } finally {
      await worker.close();
    }
    await nc.drain();
  });

  it('stops while NATS is down', async () => {
    const worker = await startStreamWorker({
      env: { DATABASE_URL: db.url, NATS_URL: nats.url },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    await nats.stop();
    try {
      await worker.close();
    } finally {
      await nats.start();
    }
  });
});

describe('stream worker config', () => {
  it('reads the GitLab identity and where it works; without GITLAB_TOKEN there is none', () => {
    const config = loadStreamWorkerConfig({
      GITLAB_TOKEN: 'glpat-x',
      GITLAB_URL: 'http://127.0.0.1:9999',
      GITLAB_INSTANCE_URL: 'https://gitlab.com/',
      STREAM_FORK_NAMESPACE: 'packit-stream',
      STREAM_WORK_DIR: '/var/lib/packflow/stream',
    });
    expect(config.stream).toMatchObject({
      gitlab: { url: 'http://127.0.0.1:9999', token: 'glpat-x', instanceUrl: 'https://gitlab.com' },
      forkNamespace: 'packit-stream',
      workDir: '/var/lib/packflow/stream',
      gitIdentity: { name: 'packflow', email: 'packflow@localhost' },
    });
    expect(loadStreamWorkerConfig({}).stream).toBeUndefined();
  });
});
