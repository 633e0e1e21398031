import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationRunner } from '@packflow/migrator';
import { BASES } from '@packflow/migrations';
import { testServerUrl, withDatabase } from '../env.js';

const LOCK_KEY = 727_301_002;

/** The template's name changes whenever a migration changes, so a stale one is never used. */
export async function templateName(): Promise<string> {
  const hash = createHash('sha256');
  for (const base of BASES) {
    for (const file of (await readdir(base.dir)).sort()) {
      hash.update(`${base.name}/${file}\0`);
      hash.update(await readFile(join(base.dir, file)));
    }
  }
  return `packflow_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export async function adminClient(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: withDatabase(testServerUrl(), 'postgres') });
  await client.connect();
  client.on('notice', () => {});
  client.on('error', () => {}); // a lost connection fails the next query instead of the test process
  return client;
}

/**
 * Creates the migrated template database once (several jest runs at once are fine: they
 * serialise on an advisory lock and the second finds it built).
 */
export async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  const admin = await adminClient();
  try {
    await admin.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      const building = `${name}_building`;
      await admin.query(`drop database if exists "${building}"`);
      await admin.query(`create database "${building}"`);
      await new MigrationRunner({ databaseUrl: withDatabase(testServerUrl(), building), bases: BASES }).up();
      await admin.query(`alter database "${building}" rename to "${name}"`);
    }
    await dropStaleDatabases(admin);
    return name;
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
    await admin.end();
  }
}

/** Test databases are named `pf_test_<unix seconds>_…` (see `testDatabaseName`). */
const STALE_AFTER_SECONDS = 6 * 3600;

/**
 * Drops test databases left behind by runs that died, judged by age only: process ids
 * say nothing across the sandboxes several runs may share a server from.
 */
async function dropStaleDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'pf\\_test\\_%'",
  );
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of rows) {
    const created = Number(datname.split('_')[2]);
    if (Number.isInteger(created) && now - created > STALE_AFTER_SECONDS) {
      await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
  }
}

/** A unique name for a test database, carrying its creation time for the stale sweep. */
export function testDatabaseName(label = ''): string {
  const suffix = `${randomBytes(4).toString('hex')}${label ? `_${label}` : ''}`;
  return `pf_test_${Math.floor(Date.now() / 1000)}_${process.pid}_${suffix}`;
}
