import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { PACKFLOW_EVENTS_STREAM } from '@packflow/messaging';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  publishedMessages,
  startNatsServer,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startScheduler } from '../index.js';

let db: TestDatabase;
let nats: TestNatsServer;
let scheduler: RunningService;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
  scheduler = await startScheduler({
    env: { DATABASE_URL: db.url, NATS_URL: nats.url, SCHEDULER_PORT: '0', OUTBOX_POLL_MS: '600000' },
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
});
afterAll(async () => {
  await scheduler.close();
  await nats.dispose();
  await db.drop();
});

describe('scheduler outbox relay', () => {
  it('publishes an outbox row as soon as it is committed', async () => {
    await db
      .pool()
      .query(
        `insert into shared.outbox (subject, msg_id, payload) values ('upstream.push.branch', 'relay-wiring-1', '{"eventId":"1"}')`,
      );
    // Published, then deleted from the outbox.
    expect(
      await publishedMessages({
        pool: db.pool(),
        natsUrl: nats.url,
        stream: PACKFLOW_EVENTS_STREAM,
        msgIds: ['relay-wiring-1'],
      }),
    ).toEqual([
      { seq: expect.any(Number), subject: 'upstream.push.branch', msgId: 'relay-wiring-1', data: { eventId: '1' } },
    ]);
  });
});
