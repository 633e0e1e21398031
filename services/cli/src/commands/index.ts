import type { Command } from 'commander';
import { registerMigrate } from './migrate.command.js';
import { registerStart } from './start.command.js';

/** Every command of the CLI; a new command file adds one line here. */
export const COMMANDS: Array<(program: Command) => void> = [registerStart, registerMigrate];
