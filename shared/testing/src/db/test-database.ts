import { createLogger, Database, type MikroORM } from '@packflow/core';
import { createOrm } from '@packflow/ecosystems';
import { testServerUrl, withDatabase } from '../env.js';
import { adminClient, ensureTemplate, testDatabaseName } from './template.js';

/** A database of its own for one test file, cloned from the migrated template. */
export interface TestDatabase {
  name: string;
  url: string;
  /** The database handle on it, as a service gets it (created on first use; a pg Pool). */
  pool(): Database;
  /** A MikroORM instance on it (created on first use). */
  orm(): Promise<MikroORM>;
  /** Closes what was opened and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplate();
  const name = testDatabaseName();
  const admin = await adminClient();
  try {
    // Another session cloning the same template at this instant makes Postgres refuse
    // with 55006 ("being accessed by other users"); that clears as soon as it is done.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== '55006' || attempt >= 50) throw error;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(testServerUrl(), name);
  let pool: Database | undefined;
  let orm: Promise<MikroORM> | undefined;
  return {
    name,
    url,
    pool: () => {
      // Its error listeners keep an idle connection ended by the server (the forced drop at
      // teardown) from surfacing as an unhandled error in whichever test is running.
      pool ??= new Database({ url, logger: createLogger({ name: 'test-database', level: 'silent' }), name });
      return pool;
    },
    orm: () => (orm ??= createOrm(url)),
    async drop() {
      await pool?.close();
      if (orm) await (await orm).close(true);
      const a = await adminClient();
      try {
        await a.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
