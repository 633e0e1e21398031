// The NestJS side of the JetStream transport: a CustomTransportStrategy that hands the
// handlers Nest collected from `@EventPattern` methods to @packflow/messaging's
// JetStreamConsumer, which does all the consuming, acking and dead-lettering.
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  JetStreamConsumer,
  type JetStreamConsumerOptions,
  type JetStreamContext,
  type JetStreamHandler,
} from '@packflow/messaging';

/**
 * NestJS transport on a JetStream durable pull consumer. Handlers are ordinary
 * `@EventPattern('upstream.…')` methods taking `@Payload()` and `@Ctx() ctx:
 * JetStreamContext`; what happens to a message after its handler is JetStreamConsumer's.
 */
export class JetStreamServer extends Server implements CustomTransportStrategy {
  /** Handler failures come back to the consumer, which acks, naks or dead-letters. */
  override readonly propagatesEventHandlerErrors = true;

  private readonly consumer: JetStreamConsumer;

  constructor(options: JetStreamConsumerOptions) {
    super();
    this.consumer = new JetStreamConsumer(options);
  }

  listen(callback: (error?: unknown) => void): void {
    const handlers = new Map<string, JetStreamHandler>();
    for (const [pattern, handler] of this.messageHandlers) handlers.set(pattern, settle(handler));
    this.consumer.start(handlers).then(
      () => {
        this._status$.next('connected');
        callback();
      },
      (error: unknown) => callback(error),
    );
  }

  /** Stops pulling, waits for the handlers that are running, and flushes their acks. */
  async close(): Promise<void> {
    await this.consumer.close();
    this._status$.next('disconnected');
  }

  on(): never {
    throw new Error('JetStreamServer has no events; watch the NATS connection status instead');
  }

  unwrap<T>(): T {
    return this.consumer.unwrap() as T;
  }
}

/** A Nest handler may answer with an observable: the message is done when it completes. */
function settle(handler: MessageHandler): JetStreamHandler {
  return async (data: unknown, ctx: JetStreamContext) => {
    const result: unknown = await handler(data, ctx);
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  };
}
