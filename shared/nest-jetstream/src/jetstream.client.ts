// A NestJS client for the JetStream transport: `emit` publishes through
// @packflow/messaging's JetStreamPublisher with a Nats-Msg-Id, so duplicates are dropped.
import { createHash } from 'node:crypto';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamPublisher, type MessageHeaders, type Published } from '@packflow/messaging';

/** Data and publish options for `client.emit(subject, new JetStreamRecord(data, { msgId }))`. */
export class JetStreamRecord<T = unknown> {
  constructor(
    readonly data: T,
    readonly options: { msgId?: string; headers?: MessageHeaders } = {},
  ) {}
}

export interface JetStreamClientOptions {
  nats: NatsConnection;
  /** Publish acknowledgement timeout (default 5 s). */
  timeoutMs?: number;
  /**
   * Nats-Msg-Id for an event emitted without one (no JetStreamRecord msgId). Default: a
   * hash of subject and payload, so emitting the same event twice stores it once.
   */
  msgId?: (subject: string, data: unknown) => string;
}

export function contentMsgId(subject: string, data: unknown): string {
  return createHash('sha256')
    .update(subject)
    .update('\n')
    .update(JSON.stringify(data) ?? '')
    .digest('hex');
}

/**
 * Nest client for the JetStream transport: `client.emit(subject, data)` publishes to the
 * stream with a Nats-Msg-Id, so JetStream drops duplicates; the observable completes
 * when the stream has stored the message. Request-response (`send`) has no meaning on a
 * stream and fails.
 */
export class JetStreamClientProxy extends ClientProxy {
  private readonly publisher: JetStreamPublisher;

  constructor(private readonly options: JetStreamClientOptions) {
    super();
    this.publisher = new JetStreamPublisher(options.nats, { timeoutMs: options.timeoutMs });
  }

  /** The connection is the caller's, already open. */
  async connect(): Promise<NatsConnection> {
    return this.options.nats;
  }

  /** The connection is the caller's: nothing to close here. */
  close(): void {}

  unwrap<T>(): T {
    return this.options.nats as T;
  }

  protected async dispatchEvent<T = Published>(packet: ReadPacket): Promise<T> {
    const subject = this.normalizePattern(packet.pattern);
    const record = packet.data instanceof JetStreamRecord ? packet.data : new JetStreamRecord(packet.data);
    const msgId = record.options.msgId ?? (this.options.msgId ?? contentMsgId)(subject, record.data);
    return (await this.publisher.publish(subject, record.data, { msgId, headers: record.options.headers })) as T;
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({
      err: new Error('the JetStream transport carries events only: use emit(), not send()'),
      isDisposed: true,
    });
    return () => undefined;
  }
}
