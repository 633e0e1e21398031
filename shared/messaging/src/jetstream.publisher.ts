import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { ExternalServiceError } from '@packflow/core';

/** Header JetStream deduplicates on. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

/** Message headers as stored in the outbox and the dead letters: name -> value(s). */
export type MessageHeaders = Record<string, string | readonly string[]>;

export interface PublishOptions {
  /**
   * Nats-Msg-Id: JetStream drops a second message with the same id inside the stream's
   * duplicate window, so a publish repeated after a lost acknowledgement is harmless.
   */
  msgId: string;
  headers?: MessageHeaders;
  /** How long to wait for the stream's acknowledgement (default: the publisher's). */
  timeoutMs?: number;
}

export interface Published {
  stream: string;
  seq: number;
  /** True when the stream already had a message with this msgId and dropped this one. */
  duplicate: boolean;
}

export function toNatsHeaders(from: MessageHeaders | null | undefined): MsgHdrs | undefined {
  if (!from) return undefined;
  const h = natsHeaders();
  let any = false;
  for (const [name, value] of Object.entries(from)) {
    // JetStream's own headers (msg id, expectations) are set by the publish options.
    if (/^nats-/i.test(name)) continue;
    for (const v of typeof value === 'string' ? [value] : value) {
      h.append(name, v);
      any = true;
    }
  }
  return any ? h : undefined;
}

export function fromNatsHeaders(h: MsgHdrs | undefined): Record<string, string[]> | null {
  if (!h) return null;
  const out: Record<string, string[]> = {};
  for (const name of h.keys()) out[name] = h.values(name);
  return Object.keys(out).length ? out : null;
}

const encoder = new TextEncoder();

export function encodePayload(data: unknown): Uint8Array {
  const text = JSON.stringify(data);
  if (text === undefined) throw new TypeError('message payload must be JSON-serialisable');
  return encoder.encode(text);
}

/**
 * Publishes JSON payloads to JetStream and waits for the stream's acknowledgement.
 * Plain class: the outbox relay, the CLI and the Nest client proxy all use it.
 */
export class JetStreamPublisher {
  private readonly js: JetStreamClient;
  private readonly timeoutMs: number;

  constructor(nats: NatsConnection, options: { timeoutMs?: number } = {}) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.js = jetstream(nats, { timeout: this.timeoutMs });
  }

  async publish(subject: string, data: unknown, options: PublishOptions): Promise<Published> {
    return this.publishEncoded(subject, encodePayload(data), options);
  }

  /**
   * Publishes a payload already encoded as JSON text (the outbox relay reads it from the
   * database as text, so it is neither parsed nor stringified again on the way through).
   */
  publishJson(subject: string, json: string, options: PublishOptions): Promise<Published> {
    return this.publishEncoded(subject, encoder.encode(json), options);
  }

  private async publishEncoded(subject: string, payload: Uint8Array, options: PublishOptions): Promise<Published> {
    try {
      const ack = await this.js.publish(subject, payload, {
        msgID: options.msgId,
        headers: toNatsHeaders(options.headers),
        timeout: options.timeoutMs ?? this.timeoutMs,
      });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      throw new ExternalServiceError('JetStream', `publish to ${subject} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
