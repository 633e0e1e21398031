// Runs a service's own `main.ts` as a deployment does (a process of its own), for the
// tests that check it starts alone and stops cleanly on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { repoRoot } from './env.js';
import { waitFor } from './wait-for.js';

export interface ServiceProcess {
  /** Everything it wrote on stdout so far. */
  output(): string;
  /** Waits for `pick` to find something in its output, such as a started line or a URL. */
  waitForOutput<T>(pick: (output: string) => T | undefined | false, what: string): Promise<T>;
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
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    output: () => out,
    waitForOutput: (pick, what) => waitFor(() => pick(out) || undefined, { what, timeoutMs: 30_000 }) as never,
    terminate() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
