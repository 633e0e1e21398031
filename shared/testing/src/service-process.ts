// Runs a service's own `main.ts` as a deployment does (a process of its own), for the
// tests that check it starts alone and stops cleanly on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { repoRoot } from './env.js';
import { waitFor } from './wait-for.js';

export interface ServiceProcess {
  /** Everything it wrote on stdout so far. */
  output(): string;
  /** Everything it wrote on stderr so far (where Node reports what killed it). */
  errorOutput(): string;
  /** Waits (30 s unless told) for `pick` to find something in its output, such as a started line or a URL. */
  waitForOutput<T>(pick: (output: string) => T | undefined | false, what: string, timeoutMs?: number): Promise<T>;
  /** How it exited, or undefined while it runs. */
  exited(): { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** kill -9: no shutdown hook runs; resolves once it is gone. */
  kill(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGTERM and resolves with how it exited. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node --import ./tools/register.mjs <main>` from the repository root, with JSON logs. */
export function spawnServiceMain(main: string, env: Record<string, string>): ServiceProcess {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', './tools/register.mjs', main], {
    cwd: repoRoot(),
    env: { ...process.env, NODE_OPTIONS: '', LOG_FORMAT: 'json', ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve((exit = { code, signal }))),
  );
  return {
    output: () => out,
    errorOutput: () => err,
    exited: () => exit,
    waitForOutput: (pick, what, timeoutMs = 30_000) =>
      waitFor(
        () => {
          const found = pick(out);
          if (!found && exit) throw new Error(`${main} exited (${JSON.stringify(exit)}): ${err.slice(-2000)}`);
          return found || undefined;
        },
        { what, timeoutMs },
      ) as never,
    kill() {
      if (!exit) child.kill('SIGKILL');
      return exited;
    },
    terminate() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
