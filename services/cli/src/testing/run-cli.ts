// Runs the packflow CLI as an operator does (a child process), for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '@packflow/testing';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliArgs(args: string[]): string[] {
  return ['--import', './tools/register.mjs', 'services/cli/src/main.ts', ...args];
}

export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(args), {
      cwd: repoRoot(),
      env: { ...process.env, NODE_OPTIONS: '', LOG_FORMAT: 'json', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running CLI command; the caller stops it. */
export function spawnCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: repoRoot(),
    env: { ...process.env, NODE_OPTIONS: '', LOG_FORMAT: 'json', ...env },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return Object.assign(child, { output: () => output });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((r) => child.once('exit', (code) => r(code)));
}
