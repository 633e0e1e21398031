// `packflow migrate …`: registration only (commander and the migration list, nothing heavy),
// so `--help` stays fast; the work is in migrate.actions.ts, imported when a command runs.
import type { Command } from 'commander';
import { BASES } from '@packflow/migrations';
import { action } from '../cli.errors.js';

const actions = () => import('./migrate.actions.js');

const baseNames = BASES.map((b) => b.name).join(', ');

export function registerMigrate(program: Command): void {
  const migrate = program
    .command('migrate')
    .description(
      'apply, revert, list and create database migrations (DATABASE_URL, else the embedded database of `pnpm start`)',
    )
    .addHelpText(
      'after',
      `\nBases: ${baseNames}. Each owns the Postgres schema of its name; the ecosystem bases build on shared.`,
    );

  migrate
    .command('status')
    .description('applied and pending migrations of each base')
    .option('--base <base>', `only this base (${baseNames})`)
    .option('--json', 'print {"bases":[{"name","applied","pending"}]}')
    .action(action(async (opts: { base?: string; json?: boolean }) => (await actions()).migrateStatus(opts)));

  migrate
    .command('up')
    .description('apply pending migrations in dependency order (every base unless --base)')
    .option('--base <base>', `only this base (${baseNames})`)
    .option('--to <name>', 'stop after this migration of --base')
    .action(action(async (opts: { base?: string; to?: string }) => (await actions()).migrateUp(opts)));

  migrate
    .command('down')
    .description('revert migrations of one base: the last one, those after --to, or --all')
    .requiredOption('--base <base>', `the base to revert (${baseNames})`)
    .option('--to <name>', 'revert everything after this migration, keeping it applied')
    .option('--all', 'revert every applied migration of the base')
    .action(action(async (opts: { base: string; to?: string; all?: boolean }) => (await actions()).migrateDown(opts)));

  migrate
    .command('create')
    .description('write a new timestamped migration file with up and down')
    .requiredOption('--base <base>', `the base it belongs to (${baseNames})`)
    .argument('<name>', 'what it does, e.g. add-koji-task-index')
    .action(action(async (name: string, opts: { base: string }) => (await actions()).migrateCreate(name, opts)));

  migrate
    .command('diff')
    .description('print the SQL that would bring the database in line with the entities (to write a migration)')
    .action(action(async () => (await actions()).migrateDiff()));
}
