// Runs a service's own `main.ts` as a deployment does (a process of its own), for the
// tests that check it starts alone and stops cleanly on SIGTERM or SIGINT. Through pnpm
// (`pnpm --filter ./services/<name> start`, the chart's command) it runs in a process
// group of its own, and a signal goes to the whole group, as a terminal's Ctrl-C does.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { repoRoot } from './env.js';
import { waitFor } from './wait-for.js';

export interface ServiceProcess {
  /** Its process id (with `through: 'pnpm'`, pnpm's), for reading its CPU time from /proc. */
  pid: number;
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
  /** Sends `signal` (to the process group when run through pnpm) and resolves with how it exited. */
  signal(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceProcessOptions {
  /** `node` (default): `node --import ./tools/register.mjs <main>`; `pnpm`: the service's `start` script. */
  through?: 'node' | 'pnpm';
  /** Arguments for node itself (through `node` only), such as `--cpu-prof`, which NODE_OPTIONS may not carry. */
  nodeArgs?: string[];
}

/** Spawns `node --import ./tools/register.mjs <main>` (or its pnpm script) from the repository root, with JSON logs. */
export function spawnServiceMain(
  main: string,
  env: Record<string, string>,
  options: ServiceProcessOptions = {},
): ServiceProcess {
  const viaPnpm = options.through === 'pnpm';
  const service = main.replace(/\/src\/main\.ts$/, '');
  const [command, args] = viaPnpm
    ? ['pnpm', ['--silent', '--filter', `./${service}`, 'start']]
    : [process.execPath, [...(options.nodeArgs ?? []), '--import', './tools/register.mjs', main]];
  const child: ChildProcessWithoutNullStreams = spawn(command, args, {
    cwd: repoRoot(),
    // A worker's metrics on a free port: tests run side by side.
    env: { ...process.env, NODE_OPTIONS: '', LOG_FORMAT: 'json', WORKER_METRICS_PORT: '0', ...env },
    detached: viaPnpm,
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
    pid: child.pid!,
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
    signal(signal) {
      if (viaPnpm) process.kill(-child.pid!, signal);
      else child.kill(signal);
      return exited;
    },
  };
}
