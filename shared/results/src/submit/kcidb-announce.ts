import { kcidbSubmittedMessage } from '@packflow/events';
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
  const { subject, msgId, payload } = kcidbSubmittedMessage(id, origins, instance);
  await tx.query('insert into shared.outbox (subject, msg_id, payload) values ($1, $2, $3::jsonb)', [
    subject,
    msgId,
    JSON.stringify(payload),
  ]);
}
