// Where the CLI's database commands (migrate, dead-letters) connect: DATABASE_URL, else the
// embedded database of the state directory, as `pnpm start` finds it (the running instance's
// when one holds it). Also turns "no such table" into the one command that fixes it.
import { join } from 'node:path';
import { PackflowError, readCommonConfig, EnvReader, redactUrl } from '@packflow/core';
import { openEmbeddedPostgres, stateDir } from './embedded-postgres.js';

export interface CliDatabase {
  url: string;
  /** What to call it in messages: the redacted URL, or which embedded database. */
  where: string;
  /** Set when the embedded database is served by another process (`pnpm start`). */
  heldBy?: number;
}

/** Runs `fn` with the database; an embedded one opened for it is closed afterwards. */
export async function withCliDatabase<T>(fn: (db: CliDatabase) => Promise<T>): Promise<T> {
  const reader = new EnvReader(process.env);
  const { databaseUrl } = reader.done(readCommonConfig(reader));
  if (process.env.DATABASE_URL) {
    const db = { url: databaseUrl, where: redactUrl(databaseUrl) };
    return explainNotMigrated(db, () => fn(db));
  }
  const dir = join(stateDir(), 'pgdata');
  const embedded = await openEmbeddedPostgres(stateDir());
  if (embedded.heldBy !== undefined && !embedded.url) {
    throw new PackflowError(
      'database_unreachable',
      `the embedded database in ${dir} is being opened by packflow process ${embedded.heldBy}: run the command again in a moment, or set DATABASE_URL`,
      { retryable: true },
    );
  }
  const db: CliDatabase = {
    url: embedded.url,
    where:
      embedded.heldBy === undefined
        ? `the embedded database in ${dir}`
        : `the embedded database in ${dir} (served by packflow process ${embedded.heldBy} at ${embedded.url})`,
    heldBy: embedded.heldBy,
  };
  try {
    return await explainNotMigrated(db, () => fn(db));
  } finally {
    await embedded.stop();
  }
}

/** The error for a database that does not answer: where it is, and which DATABASE_URL to set. */
export function unreachable(db: CliDatabase, error: unknown): PackflowError {
  const hint =
    db.heldBy === undefined ? '' : `; set DATABASE_URL=${db.url} (or the server to use) and run the command again`;
  return new PackflowError(
    'database_unreachable',
    `cannot connect to ${db.where}: ${(error as Error).message}${hint}`,
    {
      retryable: true,
      cause: error,
    },
  );
}

/** PostgreSQL's "undefined table" (42P01), as the driver or MikroORM reports it. */
function isUndefinedTable(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown } | undefined;
  return e?.code === '42P01' || e?.name === 'TableNotFoundException';
}

async function explainNotMigrated<T>(db: CliDatabase, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!isUndefinedTable(error)) throw error;
    const what = /relation "[^"]+" does not exist/.exec((error as Error).message)?.[0] ?? 'a table is missing';
    throw new PackflowError(
      'database_not_migrated',
      `${db.where} is not migrated (${what}): run \`pnpm packflow migrate up\``,
      { cause: error },
    );
  }
}
