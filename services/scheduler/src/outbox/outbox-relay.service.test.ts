import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  startNatsServer,
  waitFor,
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
    const { rows } = await db
      .pool()
      .query<{ id: string }>(
        `insert into shared.outbox (subject, msg_id, payload) values ('upstream.push.branch', 'relay-wiring-1', '{"eventId":"1"}') returning id`,
      );
    const row = await waitFor(
      async () => {
        const { rows: found } = await db
          .pool()
          .query('select attempts, last_error, published_at from shared.outbox where id = $1', [rows[0].id]);
        return found[0].published_at ? found[0] : undefined;
      },
      { what: 'the row to be published' },
    );
    expect(row).toMatchObject({ attempts: 1, last_error: null });
  });
});
