import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, jsonColumn, optionalTextColumn, textColumn } from '../columns.js';

/**
 * Transactional outbox: a message is written in the same transaction as the event it
 * announces, and a relay publishes it to JetStream (with `msgId` as Nats-Msg-Id, so a
 * publish repeated after a crash is dropped as a duplicate) and deletes it: every row
 * waits to be published.
 */
export class OutboxMessage {
  id!: string;
  subject!: string;
  /** Nats-Msg-Id: the delivery id of the event, unique per message. */
  msgId!: string;
  payload!: unknown;
  /** Extra NATS headers. */
  headers?: unknown;
  attempts!: number;
  lastError?: string | null;
  createdAt!: Date;
}

export const OutboxMessageSchema = new EntitySchema<OutboxMessage>({
  class: OutboxMessage,
  schema: 'shared',
  tableName: 'outbox',
  properties: {
    id: idColumn,
    subject: textColumn,
    msgId: { ...textColumn, unique: 'outbox_msg_id_unique' },
    payload: { ...jsonColumn, nullable: false },
    headers: jsonColumn,
    attempts: { type: 'integer', default: 0 },
    lastError: optionalTextColumn,
    createdAt: createdAtColumn,
  },
});
