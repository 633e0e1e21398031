import { kcidbLoadedMessage, kcidbSubmittedMessage } from '@packflow/events';
import type { Sql } from '@packflow/core';

/**
 * Writes the outbox row announcing a stored submission, in the transaction that stores
 * it: the scheduler's relay publishes it on `[<instance>.]results.kcidb.submitted`
 * (Nats-Msg-Id `kcidb-<id>`), and the results worker of that instance loads the submission.
 */
export async function announceKcidbSubmission(
  tx: Sql,
  id: string,
  origins: readonly string[],
  instance?: string,
): Promise<void> {
  await outbox(tx, kcidbSubmittedMessage(id, origins, instance));
}

/**
 * Writes the outbox row announcing a loaded submission and the commits it reported on, in
 * the transaction that loads it: the relay publishes it on `[<instance>.]stream.kcidb.loaded`
 * and the stream worker reports the results on the source-git merge requests of the syncs
 * whose dist-git commits these are. Nothing is written when no checkout names a commit.
 */
export async function announceKcidbLoad(
  tx: Sql,
  id: string,
  commits: readonly string[],
  instance?: string,
): Promise<void> {
  if (commits.length > 0) await outbox(tx, kcidbLoadedMessage(id, commits, instance));
}

async function outbox(tx: Sql, { subject, msgId, payload }: { subject: string; msgId: string; payload: unknown }) {
  await tx.query('insert into shared.outbox (subject, msg_id, payload) values ($1, $2, $3::jsonb)', [
    subject,
    msgId,
    JSON.stringify(payload),
  ]);
}
