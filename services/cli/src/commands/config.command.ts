// `packflow config …`: registration only (commander and nothing heavy), so `--help` stays
// fast; the work is in config.actions.ts, imported when the command runs.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('check .packit.yaml files as packflow reads them');

  config
    .command('validate')
    .description(
      'print the errors, warnings and notes of a config (all of them, in one run), with file:line:column and key path',
    )
    .argument('[path]', 'a config file, or a repository directory to find it in (default: the current directory)')
    .option(
      '--json',
      'print {"file","valid","diagnostics":[{"severity","message","file","line","column","path"}]} (severity: error, warning or note)',
    )
    .addHelpText('after', '\nExit status: 0 valid (warnings allowed), 1 invalid, 2 the file cannot be read.')
    .action(
      action(async (path: string | undefined, opts: { json?: boolean }) =>
        (await import('./config.actions.js')).validateConfig(path, opts),
      ),
    );
}
