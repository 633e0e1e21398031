// What a JetStream stream holds, for tests that check what was published (the outbox
// relay deletes a row once its message is in the stream, so the stream is the record).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

export interface StoredMessage {
  seq: number;
  subject: string;
  /** Nats-Msg-Id: the outbox's msg_id (the delivery id of an event). */
  msgId: string | undefined;
  data: unknown;
}

/**
 * Every message of `stream` on the nats-server at `natsUrl` whose Nats-Msg-Id is one of
 * `msgIds` (all of them when not given), in stream order.
 */
export async function streamMessages(
  natsUrl: string,
  stream: string,
  msgIds?: readonly string[],
): Promise<StoredMessage[]> {
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
