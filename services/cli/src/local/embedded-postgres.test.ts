// The embedded database serves several connections at once as separate servers would:
// PGlite is one session, and interleaved extended-protocol queries of two connections
// used to bind each other's statements ("malformed array literal", wrong rows).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

let state: string;
let embedded: EmbeddedPostgres;
// Opening compiles PGlite's WebAssembly and creates the database: seven seconds alone, and
// once over a minute in CI while both jest workers and other test servers shared the two
// cores. The test is about the answers, not the time, so its opening may take three.
beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'pf-embedded-'));
  embedded = await openEmbeddedPostgres(state);
}, 180_000);
afterAll(async () => {
  await embedded?.stop();
  await rm(state, { recursive: true, force: true });
});

describe('the embedded database', () => {
  it('answers concurrent parameterised queries of several connections each with its own result', async () => {
    const pool = new pg.Pool({ connectionString: embedded.url, max: 6 });
    try {
      // Different statements with parameters of different types, all in flight together.
      const asked = Array.from({ length: 120 }, (_, i) =>
        i % 2 === 0
          ? pool.query<{ v: string }>('select ($1::int + 1)::text as v', [i]).then((r) => r.rows[0].v)
          : pool
              .query<{ v: string }>(`select array_to_string($1::text[], ',') || $2::text as v`, [[`a${i}`, 'b'], '!'])
              .then((r) => r.rows[0].v),
      );
      const answers = await Promise.all(asked);
      expect(answers).toEqual(Array.from({ length: 120 }, (_, i) => (i % 2 === 0 ? String(i + 1) : `a${i},b!`)));
      // A transaction on one connection sees its own writes while others query around it.
      await pool.query('create table if not exists t (n int)');
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query('insert into t values ($1)', [7]);
        const others = Promise.all(Array.from({ length: 10 }, (_, i) => pool.query('select $1::int as n', [i])));
        expect((await client.query('select sum(n)::int as s from t')).rows[0].s).toBe(7);
        await client.query('commit');
        expect((await others).map((r) => r.rows[0].n)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      } finally {
        client.release();
      }
    } finally {
      await pool.end();
    }
  });
});
