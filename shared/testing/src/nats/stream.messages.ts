// What the outbox relay published, for tests: it deletes a row once its message is in
// the stream, so the stream is the record of what was sent.
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { waitFor } from '../wait-for.js';

export interface StoredMessage {
  seq: number;
  subject: string;
  /** Nats-Msg-Id: the outbox's msg_id (the delivery id of an event). */
  msgId: string | undefined;
  data: unknown;
}

export interface PublishedQuery {
  /** The database whose shared.outbox the relay drains. */
  pool: { query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }> };
  natsUrl: string;
  stream: string;
  /** The Nats-Msg-Ids (outbox msg_id, an event's delivery id) asked for; every message when not given. */
  msgIds?: readonly string[];
}

/**
 * The messages of `stream` with one of `msgIds` (all when not given), in stream order,
 * once the outbox holds none of them (none at all, when not given): what the relay
 * published of them.
 */
export async function publishedMessages(q: PublishedQuery): Promise<StoredMessage[]> {
  const waiting = q.msgIds
    ? () => q.pool.query('select 1 from shared.outbox where msg_id = any($1::text[]) limit 1', [q.msgIds])
    : () => q.pool.query('select 1 from shared.outbox limit 1');
  await waitFor(async () => (await waiting()).rows.length === 0, {
    what: `the outbox relay to publish ${q.msgIds ? q.msgIds.join(', ') : 'every row'}`,
  });
  return streamMessages(q.natsUrl, q.stream, q.msgIds);
}

/** Every message of `stream` whose Nats-Msg-Id is one of `msgIds` (all when not given), in stream order. */
async function streamMessages(natsUrl: string, stream: string, msgIds?: readonly string[]): Promise<StoredMessage[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const { state } = await jsm.streams.info(stream);
    const wanted = msgIds ? new Set(msgIds) : undefined;
    const out: StoredMessage[] = [];
    for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
      const m = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
      const msgId = m?.header?.get('Nats-Msg-Id') || undefined;
      if (!m || (wanted && (!msgId || !wanted.has(msgId)))) continue;
      out.push({ seq, subject: m.subject, msgId, data: m.json() });
    }
    return out;
  } finally {
    await nc.close();
  }
}
