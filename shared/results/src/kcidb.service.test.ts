import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, type Database } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { KcidbService } from './kcidb.service.js';
import { toKcidbSubmitters } from './submit/kcidb-submitters.js';

const TOKEN = 'service-test-token-0123456789';
const logger = createLogger({ name: 'kcidb-service-test', level: 'silent', pretty: false });
let testDb: TestDatabase;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
});
afterAll(async () => {
  await testDb.drop();
});

const report = { version: { major: 5 }, checkouts: [{ id: 'myci:c', origin: 'myci' }] };
const stored = async (id: string) =>
  (await db.query('select origins, status from shared.kcidb_submissions where id = $1', [id])).rows[0];

describe('KcidbService.submit', () => {
  it('stores the report with the origins of the token, then hands the id over', async () => {
    const handedOver: string[] = [];
    const service = new KcidbService({
      db,
      submitters: toKcidbSubmitters({ [TOKEN]: ['myci'] }),
      handOff: (id) => void handedOver.push(id),
      logger,
    });
    const { id } = await service.submit(`Bearer ${TOKEN}`, report);
    expect(handedOver).toEqual([id]);
    expect(await stored(id)).toEqual({ origins: ['myci'], status: 'ready' });
    expect(await service.status({ id })).toMatchObject({ id, status: 'ready', processed_at: null });
  });

  it('keeps the stored submission when the hand-over fails (the sweep will find it)', async () => {
    const service = new KcidbService({
      db,
      submitters: toKcidbSubmitters({ [TOKEN]: ['myci'] }),
      handOff: () => Promise.reject(new Error('NATS is down')),
      logger,
    });
    const { id } = await service.submit(`Bearer ${TOKEN}`, report);
    expect(await stored(id)).toMatchObject({ status: 'ready' });
  });

  it('records an outbox row in the same transaction as the submission, or neither', async () => {
    const outbox = (tx: { query(text: string, params: unknown[]): Promise<unknown> }, id: string) =>
      tx.query(
        `insert into shared.outbox (subject, msg_id, payload) values ('kcidb.submissions', $1, json_build_object('id', $1::text))`,
        [id],
      );
    const service = new KcidbService({
      db,
      submitters: toKcidbSubmitters({ [TOKEN]: ['myci'] }),
      handOff: () => {},
      recordInTransaction: async (tx, id) => void (await outbox(tx, id)),
      logger,
    });
    const { id } = await service.submit(`Bearer ${TOKEN}`, report);
    expect((await db.query('select subject, payload from shared.outbox where msg_id = $1', [id])).rows).toEqual([
      { subject: 'kcidb.submissions', payload: { id } },
    ]);

    const before = (await db.query<{ n: number }>('select count(*)::int as n from shared.kcidb_submissions')).rows[0].n;
    const failing = new KcidbService({
      db,
      submitters: toKcidbSubmitters({ [TOKEN]: ['myci'] }),
      handOff: () => {},
      recordInTransaction: () => Promise.reject(new Error('outbox refused')),
      logger,
    });
    await expect(failing.submit(`Bearer ${TOKEN}`, report)).rejects.toThrow('outbox refused');
    expect((await db.query<{ n: number }>('select count(*)::int as n from shared.kcidb_submissions')).rows[0].n).toBe(
      before,
    );
  });
});
