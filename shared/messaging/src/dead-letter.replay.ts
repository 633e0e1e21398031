import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError, type DeadLetter } from '@packflow/core';
import type { DeadLetterRepository } from './dead-letter.repository.js';
import type { JetStreamPublisher, MessageHeaders } from './jetstream.publisher.js';

/**
 * Header naming the durable consumer a replayed message is for. A replay goes back to
 * the message's subject, where every deployment subscribed to it would see it again;
 * the transport of every other durable acknowledges it without running a handler.
 */
export const REPLAY_CONSUMER_HEADER = 'Packflow-Replay-Consumer';
/** Header naming the dead letter a replayed message comes from. */
export const REPLAY_OF_HEADER = 'Packflow-Replay-Of';

export interface ReplayResult {
  letter: DeadLetter;
  msgId: string;
  seq: number;
}

/**
 * Publishes a dead letter's payload to its subject again with a new Nats-Msg-Id, for the
 * consumer that gave up on it, and marks it replayed. A letter already replayed is
 * refused unless `force` is set.
 */
export async function replayDeadLetter(
  repository: DeadLetterRepository,
  publisher: JetStreamPublisher,
  id: string,
  options: { force?: boolean } = {},
): Promise<ReplayResult> {
  if (!/^[1-9][0-9]*$/.test(id))
    throw new ValidationError(`dead letter id must be a positive whole number (got ${JSON.stringify(id)})`);
  const letter = await repository.get(id);
  if (letter.replayedAt && !options.force) {
    throw new ConflictError(
      `dead letter ${id} was already replayed at ${letter.replayedAt.toISOString()}; pass --force to replay it again`,
    );
  }
  const headers: MessageHeaders = { ...(letter.headers ?? {}) };
  headers[REPLAY_CONSUMER_HEADER] = letter.consumer;
  headers[REPLAY_OF_HEADER] = String(letter.id);
  const msgId = `dead-letter-${letter.id}-replay-${randomUUID()}`;
  const published = await publisher.publish(letter.subject, letter.payload, { msgId, headers });
  await repository.markReplayed(letter.id, msgId);
  return { letter, msgId, seq: published.seq };
}
