// Where the CLI finds the running sandbox: `pnpm start` writes <state>/sandbox.json (mode
// 0600) once the sandbox answers, with its control address, the token the control server
// asks for, and the web service's address; it removes the file at stop. The CLI reads it
// as it reads <state>/pgdata.json for the embedded database.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SandboxHandle {
  pid: number;
  /** The control server of the sandbox (opens pull requests, pushes, comments). */
  control: string;
  /** Bearer token of the control server. */
  token: string;
  /** The web service: API and dashboard. */
  web: string;
}

export const sandboxFile = (state: string): string => join(state, 'sandbox.json');

export async function writeSandboxHandle(state: string, handle: SandboxHandle): Promise<void> {
  await writeFile(sandboxFile(state), `${JSON.stringify(handle)}\n`, { mode: 0o600 });
}

export async function removeSandboxHandle(state: string): Promise<void> {
  await rm(sandboxFile(state), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The sandbox of the process that wrote the file, when that process still runs. */
export async function readSandboxHandle(state: string): Promise<SandboxHandle | undefined> {
  let handle: SandboxHandle;
  try {
    handle = JSON.parse(await readFile(sandboxFile(state), 'utf8')) as SandboxHandle;
  } catch {
    return undefined;
  }
  const valid =
    Number.isInteger(handle.pid) &&
    typeof handle.control === 'string' &&
    typeof handle.token === 'string' &&
    typeof handle.web === 'string';
  return valid && alive(handle.pid) ? handle : undefined;
}
