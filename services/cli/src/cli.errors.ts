// Exit codes and the wrapper every command action runs in. Every command's registration
// imports it, so it imports only @packflow/base (not @packflow/core, which loads MikroORM).
import { PackflowError } from '@packflow/base';

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/**
 * Runs a command action: a PackflowError (bad input, unreachable database, unknown base…)
 * becomes one line on stderr and exit code 2; anything else is a bug and shows its stack.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT.ok;
    } catch (error) {
      if (error instanceof PackflowError) {
        process.stderr.write(`packflow: ${error.message}\n`);
        process.exitCode = EXIT.usage;
      } else {
        process.stderr.write(`packflow: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = EXIT.failed;
      }
    }
  };
}
