// Work due for the workers, announced: a process that only records decisions (the web's
// reruns) leaves queued targets and owed reports for the workers' reconcilers. It sends a
// NOTIFY on this channel inside its transaction, so PostgreSQL delivers it at commit (and
// never for a rolled-back decision); the workers LISTEN and reconcile at once instead of
// at their next interval.
import type { Sql } from '@packflow/core';

export const ENGINE_DUE_CHANNEL = 'packflow_engine_due';

export async function notifyDue(tx: Sql): Promise<void> {
  await tx.query(`select pg_notify($1, '')`, [ENGINE_DUE_CHANNEL]);
}
