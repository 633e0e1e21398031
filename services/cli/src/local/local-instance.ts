// The instance name `pnpm start` gives itself when PACKFLOW_INSTANCE is not set: one per
// state directory, stable across runs, so two checkouts (or two PACKFLOW_STATE_DIRs) on one
// machine's NATS, and the benchmarks, never read each other's events.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';

/** `local-` and 8 hex digits of the state directory's absolute path. */
export function localInstanceName(state: string): string {
  return `local-${createHash('sha256').update(resolve(state)).digest('hex').slice(0, 8)}`;
}
