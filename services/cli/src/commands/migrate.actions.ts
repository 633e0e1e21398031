// What `packflow migrate …` does, loaded only when such a command runs (migrate.command.ts
// registers them). The database: DATABASE_URL, else the embedded one (local/cli-database.ts).
import { MigrationRunner } from '@packflow/migrator';
import { BASES } from '@packflow/migrations';
import { withCliDatabase } from '../local/cli-database.js';

const out = (text: string) => process.stdout.write(text);

function withRunner<T>(fn: (runner: MigrationRunner) => Promise<T>): Promise<T> {
  return withCliDatabase((db) =>
    fn(new MigrationRunner({ databaseUrl: db.url, bases: BASES, log: (l) => out(`${l}\n`) })),
  );
}

export async function migrateStatus(opts: { base?: string; json?: boolean }): Promise<void> {
  const bases = await withRunner((r) => r.status(opts.base));
  if (opts.json) {
    out(`${JSON.stringify({ bases })}\n`);
    return;
  }
  for (const b of bases) {
    out(`${b.name}: ${b.applied.length} applied, ${b.pending.length} pending\n`);
    for (const n of b.applied) out(`  [x] ${n}\n`);
    for (const n of b.pending) out(`  [ ] ${n}\n`);
  }
}

export async function migrateUp(opts: { base?: string; to?: string }): Promise<void> {
  const applied = await withRunner((r) => r.up(opts));
  out(applied.length ? `${applied.length} migration(s) applied\n` : 'nothing to apply\n');
}

export async function migrateDown(opts: { base: string; to?: string; all?: boolean }): Promise<void> {
  const reverted = await withRunner((r) => r.down(opts));
  out(reverted.length ? `${reverted.length} migration(s) reverted\n` : 'nothing to revert\n');
}

export async function migrateCreate(name: string, opts: { base: string }): Promise<void> {
  // Writes a file only: no database to open.
  const runner = new MigrationRunner({ databaseUrl: process.env.DATABASE_URL ?? '', bases: BASES });
  const path = await runner.create(opts.base, name);
  out(`created ${path}\n`);
}

export async function migrateDiff(): Promise<void> {
  await withCliDatabase(async (db) => {
    const { createOrm } = await import('@packflow/ecosystems');
    const orm = await createOrm(db.url);
    try {
      const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      out(sql.trim() ? `${sql.trim()}\n` : '-- no differences\n');
    } finally {
      await orm.close();
    }
  });
}
