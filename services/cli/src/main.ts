#!/usr/bin/env node
// The packflow operator CLI: `pnpm packflow <command>` from the repository root.
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';

const program = new Command('packflow')
  .description(
    'packflow: CI for RPM packaging. Operator commands, the all-in-one local run, and the source-git <-> dist-git conversion.',
  )
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride((err) => {
    // Usage mistakes (unknown option, missing argument) exit 2, like other bad input.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

for (const register of COMMANDS) register(program);

await program.parseAsync(process.argv);
