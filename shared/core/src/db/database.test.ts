// The database handle against a PostgreSQL of the test's own that it stops and starts:
// a restart is logged, never an uncaught error, and the handle is used again after it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, startPostgres, waitFor, type TestDatabase, type TestPostgres } from '@packflow/testing';
import { pino } from 'pino';
import { isTransientInfrastructureError } from '@packflow/base';
import { createLogger } from '../logging/logger.js';
import { Database } from './database.js';

const logger = createLogger({ name: 'test', level: 'silent' });

describe('Database', () => {
  let db: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
    database = new Database({ url: db.url, logger, name: 'database-test' });
    await database.query('create table t (id int primary key, note text)');
  });
  afterAll(async () => {
    await database.close();
    await database.close(); // twice is fine
    await db.drop();
  });

  it('commits what a transaction did, and rolls it all back when it throws', async () => {
    await database.transaction((tx) => tx.query('insert into t values (1, $1)', ['kept']));
    await expect(
      database.transaction(async (tx) => {
        await tx.query('insert into t values (2, $1)', ['lost']);
        await tx.query('insert into t values (1, $1)', ['duplicate']);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await database.query('select id, note from t order by id');
    expect(rows).toEqual([{ id: 1, note: 'kept' }]);
  });

  it('commits nothing when a write sent just before the commit (not waited for) fails', async () => {
    let last: Promise<unknown> | undefined;
    await database.transaction(async (tx) => {
      await tx.query('insert into t values (3, $1)', ['written first']);
      last = tx.query('insert into t values (3, $1)', ['duplicate, left in flight']);
      last.catch(() => {});
    });
    await expect(last).rejects.toMatchObject({ code: '23505' });
    const { rows } = await database.query('select id from t where id = 3');
    expect(rows).toEqual([]);
  });

  it('runs its statements without JIT compilation, on every connection', async () => {
    const clients = await Promise.all([database.connect(), database.connect()]);
    try {
      const answers = await Promise.all(clients.map((c) => c.query<{ jit: string }>('show jit')));
      expect(answers.map((a) => a.rows[0].jit)).toEqual(['off', 'off']);
    } finally {
      for (const c of clients) c.release();
    }
  });

  it('runs prepared statements and names itself in pg_stat_activity', async () => {
    const { rows } = await database.query({
      name: 'database-test-self',
      text: 'select application_name from pg_stat_activity where pid = pg_backend_pid() and $1::int = 1',
      values: [1],
    });
    expect(rows).toEqual([{ application_name: 'database-test' }]);
  });
});

describe('Database across a PostgreSQL restart', () => {
  let server: TestPostgres;
  let database: Database;
  const uncaught: unknown[] = [];
  const record = (error: unknown) => uncaught.push(error);
  const warnings: string[] = [];

  beforeAll(async () => {
    server = await startPostgres();
    const logs = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    database = new Database({ url: server.url, logger: logs, max: 4 });
    process.on('uncaughtException', record);
  });
  afterAll(async () => {
    process.off('uncaughtException', record);
    await database?.close();
    await server?.dispose();
  });

  it('survives the server stopping under idle and checked-out connections, and is used again after it starts', async () => {
    // Two idle connections and one held between statements, as a transaction holds it.
    await Promise.all([database.query('select pg_sleep(0.05)'), database.query('select pg_sleep(0.05)')]);
    const held = await database.connect();
    await held.query('begin');
    expect(database.idleCount).toBeGreaterThanOrEqual(1);

    await server.stop();
    await waitFor(() => database.idleCount === 0, { what: 'the pool to drop its dead idle connections' });
    expect(warnings).toContain('idle database connection lost; new ones are opened when needed');

    const down = await database.query('select 1').catch((error: unknown) => error);
    expect(isTransientInfrastructureError(down)).toBe(true);
    const broken = await held.query('select 1').catch((error: unknown) => error);
    expect(isTransientInfrastructureError(broken)).toBe(true);
    held.release(broken as Error);
    expect(await database.unreachable()).toBeDefined();

    await server.start();
    const { rows } = await waitFor(() => database.query<{ n: number }>('select 1 as n'), {
      what: 'a query to succeed after the restart',
    });
    expect(rows).toEqual([{ n: 1 }]);
    expect(await database.transaction((tx) => tx.query('select 2 as n'))).toMatchObject({ rows: [{ n: 2 }] });
    expect(await database.unreachable()).toBeUndefined();
    expect(uncaught).toEqual([]);
  });
});
