import { BigIntType, EntitySchema } from '@mikro-orm/core';
import {
  createdAtColumn,
  idColumn,
  jsonColumn,
  optionalTextColumn,
  optionalTimeColumn,
  textColumn,
} from '../columns.js';

/**
 * A JetStream message a worker gave up on: its handler failed with an error that is not
 * retryable, it failed on every allowed delivery, its payload was invalid, or no handler
 * exists for its subject. The message is terminated in JetStream and kept here, so an
 * operator can list it and replay it (`pnpm packflow dead-letters list|replay <id>`).
 */
export class DeadLetter {
  id!: string;
  subject!: string;
  /** The message body as JSON (a body that is not JSON is kept as a JSON string). */
  payload!: unknown;
  /** NATS headers of the message: name -> list of values. */
  headers?: Record<string, string[]> | null;
  /** Why it was given up on, in words (error code and message; never a stack). */
  error!: string;
  /** How many times JetStream delivered it to this consumer. */
  deliveries!: number;
  /** Stream and durable consumer (worker deployment) that gave up on it. */
  stream!: string;
  consumer!: string;
  /** Sequence of the message in its stream. */
  streamSeq!: number;
  /** Its Nats-Msg-Id, when it had one. */
  msgId?: string | null;
  createdAt!: Date;
  /** When an operator replayed it, and the Nats-Msg-Id of the replayed message. */
  replayedAt?: Date | null;
  replayMsgId?: string | null;
}

export const DeadLetterSchema = new EntitySchema<DeadLetter>({
  class: DeadLetter,
  schema: 'shared',
  tableName: 'dead_letters',
  properties: {
    id: idColumn,
    subject: textColumn,
    payload: { ...jsonColumn, nullable: false },
    headers: jsonColumn,
    error: textColumn,
    deliveries: { type: 'integer' },
    stream: textColumn,
    consumer: textColumn,
    streamSeq: { type: new BigIntType('number') },
    msgId: optionalTextColumn,
    createdAt: createdAtColumn,
    replayedAt: optionalTimeColumn,
    replayMsgId: optionalTextColumn,
  },
});
