import type { Command } from 'commander';
import { registerApiToken } from './api-token.command.js';
import { registerConfig } from './config.command.js';
import { registerDeadLetters } from './dead-letters.command.js';
import { registerMigrate } from './migrate.command.js';
import { registerPlan } from './plan.command.js';
import { registerSandbox } from './sandbox.command.js';
import { registerSourceGit } from './source-git.command.js';
import { registerStart } from './start.command.js';

/** Every command of the CLI; a new command file adds one line here. */
export const COMMANDS: Array<(program: Command) => void> = [
  registerStart,
  registerMigrate,
  registerConfig,
  registerPlan,
  registerDeadLetters,
  registerSourceGit,
  registerApiToken,
  registerSandbox,
];
