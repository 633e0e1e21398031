import { Controller, Inject, type OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventMessage } from '@packflow/events';
import { JetStreamContext } from '@packflow/messaging';
import type { StreamRuntime } from './runtime/stream.runtime.js';

export const STREAM_RUNTIME = Symbol('packflow.streamRuntime');

/**
 * Every `stream.…` event the worker has no more specific handler for. Handlers for
 * single event types (`@EventPattern<string>('stream.pull_request.opened')`) take precedence
 * over this one; until they exist, an event is logged and acknowledged.
 */
@Controller()
export class StreamEventsController implements OnApplicationShutdown {
  constructor(@Inject(STREAM_RUNTIME) private readonly runtime: StreamRuntime) {}

  @EventPattern<string>('stream.>')
  unhandled(@Payload() event: EventMessage, @Ctx() ctx: JetStreamContext): void {
    ctx
      .getLogger()
      .info({ eventId: event.eventId, type: event.type }, 'stream event received; no handler for its type yet');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}
