import type { Command } from 'commander';
import { EnvReader, readCommonConfig } from '@packflow/core';
import { MigrationRunner } from '@packflow/migrator';
import { BASES } from '@packflow/migrations';
import { action } from '../cli.errors.js';

function runner(): MigrationRunner {
  const reader = new EnvReader(process.env);
  const { databaseUrl } = reader.done(readCommonConfig(reader));
  return new MigrationRunner({ databaseUrl, bases: BASES, log: (line) => process.stdout.write(`${line}\n`) });
}

const baseNames = BASES.map((b) => b.name).join(', ');

export function registerMigrate(program: Command): void {
  const migrate = program
    .command('migrate')
    .description('apply, revert, list and create database migrations (connection from DATABASE_URL)')
    .addHelpText(
      'after',
      `\nBases: ${baseNames}. Each owns the Postgres schema of its name; the ecosystem bases build on shared.`,
    );

  migrate
    .command('status')
    .description('applied and pending migrations of each base')
    .option('--base <base>', `only this base (${baseNames})`)
    .option('--json', 'print {"bases":[{"name","applied","pending"}]}')
    .action(
      action(async (opts: { base?: string; json?: boolean }) => {
        const bases = await runner().status(opts.base);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ bases })}\n`);
          return;
        }
        for (const b of bases) {
          process.stdout.write(`${b.name}: ${b.applied.length} applied, ${b.pending.length} pending\n`);
          for (const n of b.applied) process.stdout.write(`  [x] ${n}\n`);
          for (const n of b.pending) process.stdout.write(`  [ ] ${n}\n`);
        }
      }),
    );

  migrate
    .command('up')
    .description('apply pending migrations in dependency order (every base unless --base)')
    .option('--base <base>', `only this base (${baseNames})`)
    .option('--to <name>', 'stop after this migration of --base')
    .action(
      action(async (opts: { base?: string; to?: string }) => {
        const applied = await runner().up(opts);
        process.stdout.write(applied.length ? `${applied.length} migration(s) applied\n` : 'nothing to apply\n');
      }),
    );

  migrate
    .command('down')
    .description('revert migrations of one base: the last one, those after --to, or --all')
    .requiredOption('--base <base>', `the base to revert (${baseNames})`)
    .option('--to <name>', 'revert everything after this migration, keeping it applied')
    .option('--all', 'revert every applied migration of the base')
    .action(
      action(async (opts: { base: string; to?: string; all?: boolean }) => {
        const reverted = await runner().down(opts);
        process.stdout.write(reverted.length ? `${reverted.length} migration(s) reverted\n` : 'nothing to revert\n');
      }),
    );

  migrate
    .command('create')
    .description('write a new timestamped migration file with up and down')
    .requiredOption('--base <base>', `the base it belongs to (${baseNames})`)
    .argument('<name>', 'what it does, e.g. add-koji-task-index')
    .action(
      action(async (name: string, opts: { base: string }) => {
        const path = await runner().create(opts.base, name);
        process.stdout.write(`created ${path}\n`);
      }),
    );

  migrate
    .command('diff')
    .description('print the SQL that would bring the database in line with the entities (to write a migration)')
    .action(
      action(async () => {
        const reader = new EnvReader(process.env);
        const { databaseUrl } = reader.done(readCommonConfig(reader));
        const { createOrm } = await import('@packflow/ecosystems');
        const orm = await createOrm(databaseUrl);
        try {
          const sql = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
          process.stdout.write(sql.trim() ? `${sql.trim()}\n` : '-- no differences\n');
        } finally {
          await orm.close();
        }
      }),
    );
}
