import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import {
  createInbox,
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
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

/** One message of a batch: its JSON text as it is to be sent. */
export interface JsonMessage {
  subject: string;
  json: string;
  msgId: string;
  headers?: MessageHeaders | null;
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
  /** Where the stream acknowledges batch publishes: one subscription, a token per message waiting. */
  private acks?: { prefix: string; subscription: Subscription; waiting: Map<string, (error?: string) => void> };
  private nextToken = 0;

  constructor(
    private readonly nats: NatsConnection,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.js = jetstream(nats, { timeout: this.timeoutMs });
  }

  /**
   * Publishes messages already encoded as JSON text and waits for the stream to
   * acknowledge each; answers, in order, undefined for each one stored (or dropped as a
   * duplicate of its Nats-Msg-Id) and why for each one not. Each is a plain publish whose
   * reply subject is under one inbox of this publisher, and one timer covers the batch:
   * js.publish makes each message a request of its own (its timer, promise and reply
   * bookkeeping, and an Error object built as it settles), a tenth of the outbox relay's
   * CPU in bench/intake. Messages go out in the order given on the one connection.
   */
  publishJsonBatch(messages: readonly JsonMessage[], timeoutMs = this.timeoutMs): Promise<Array<string | undefined>> {
    if (messages.length === 0) return Promise.resolve([]);
    const acks = this.ackInbox();
    const results: Array<string | undefined> = new Array(messages.length);
    return new Promise((resolve) => {
      let open = messages.length;
      const tokens: string[] = [];
      const settle = (i: number, error?: string) => {
        results[i] = error === undefined ? undefined : `publish to ${messages[i].subject} failed: ${error}`;
        if (--open === 0) {
          clearTimeout(timer);
          resolve(results);
        }
      };
      const timer = setTimeout(() => {
        for (const token of tokens) acks.waiting.get(token)?.(`no acknowledgement within ${timeoutMs} ms`);
      }, timeoutMs);
      messages.forEach((m, i) => {
        const token = (this.nextToken++).toString(36);
        tokens.push(token);
        acks.waiting.set(token, (error) => {
          acks.waiting.delete(token);
          settle(i, error);
        });
        try {
          const headers = toNatsHeaders(m.headers) ?? natsHeaders();
          headers.set(MSG_ID_HEADER, m.msgId);
          this.nats.publish(m.subject, encoder.encode(m.json), { reply: `${acks.prefix}${token}`, headers });
        } catch (error) {
          acks.waiting.get(token)?.((error as Error).message);
        }
      });
    });
  }

  /** Stops listening for batch acknowledgements (those still waiting fail). */
  close(): void {
    if (!this.acks) return;
    this.acks.subscription.unsubscribe();
    for (const done of [...this.acks.waiting.values()]) done('the publisher was closed');
    this.acks = undefined;
  }

  private ackInbox(): NonNullable<JetStreamPublisher['acks']> {
    if (this.acks) return this.acks;
    const prefix = `${createInbox()}.`;
    const waiting = new Map<string, (error?: string) => void>();
    const subscription = this.nats.subscribe(`${prefix}*`, {
      callback: (error, msg) => {
        if (error) return;
        waiting.get(msg.subject.slice(prefix.length))?.(ackError(msg));
      },
    });
    return (this.acks = { prefix, subscription, waiting });
  }

  async publish(subject: string, data: unknown, options: PublishOptions): Promise<Published> {
    return this.publishEncoded(subject, encodePayload(data), options);
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

/** Why a stream's answer to a publish is not an acknowledgement, or undefined when it is one. */
function ackError(msg: Msg): string | undefined {
  // No stream listens on the subject: the server answers 503 "no responders".
  if (msg.headers?.code === 503) return 'no stream takes this subject (503 no responders)';
  let ack: { stream?: unknown; error?: { code?: number; err_code?: number; description?: string } };
  try {
    ack = JSON.parse(msg.string()) as typeof ack;
  } catch {
    return `unreadable acknowledgement ${JSON.stringify(msg.string().slice(0, 200))}`;
  }
  if (ack.error) return `${ack.error.description ?? 'error'} (${ack.error.err_code ?? ack.error.code ?? '?'})`;
  return typeof ack.stream === 'string' && ack.stream ? undefined : 'acknowledgement names no stream';
}
