// Stopping the servers a test started itself.
import type { ChildProcess } from 'node:child_process';

/** SIGTERM, then waits until it has exited; nothing to do when it is not running. */
export async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}
