#!/usr/bin/env node
// The packflow operator CLI: `pnpm packflow <command>` from the repository root.
import { Command } from 'commander';
import { registerMigrate } from './commands/migrate.command.js';
import { registerStart } from './commands/start.command.js';

const program = new Command('packflow')
  .description('packflow: CI for RPM packaging. Operator commands and the all-in-one local run.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    // Usage mistakes (unknown option, missing argument) exit 2, like other bad input.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

registerStart(program);
registerMigrate(program);

await program.parseAsync(process.argv);
