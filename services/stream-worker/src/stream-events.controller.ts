import { Controller, Inject, type OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventMessage, KcidbLoadedMessage } from '@packflow/events';
import { JetStreamContext } from '@packflow/messaging';
import type { StreamRuntime } from './runtime/stream.runtime.js';

export const STREAM_RUNTIME = Symbol('packflow.streamRuntime');

/**
 * Every `stream.…` event (and `stream.kcidb.loaded`, a loaded KCIDB submission) goes to the stream service; the transport acks when it returns,
 * retries what is retryable, and dead-letters the rest. Without a GitLab identity an
 * event is logged and acknowledged.
 */
@Controller()
export class StreamEventsController implements OnApplicationShutdown {
  constructor(@Inject(STREAM_RUNTIME) private readonly runtime: StreamRuntime) {}

  @EventPattern<string>('stream.>')
  async handle(@Payload() event: EventMessage | KcidbLoadedMessage, @Ctx() ctx: JetStreamContext): Promise<void> {
    const logger = ctx
      .getLogger()
      .child(
        event.type === 'kcidb.loaded'
          ? { submission: event.submissionId, type: event.type }
          : { eventId: event.eventId, type: event.type },
      );
    if (!this.runtime.service) {
      logger.info('stream event received; no GitLab identity to act on it');
      return;
    }
    await this.runtime.service.handle(event, logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}
