import { Controller, Inject, type OnApplicationShutdown } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EventMessage } from '@packflow/events';
import { JetStreamContext } from '@packflow/messaging';
import type { UpstreamRuntime } from './runtime/upstream.runtime.js';

export const UPSTREAM_RUNTIME = Symbol('packflow.upstreamRuntime');

/**
 * Every `upstream.…` event goes to the upstream service; the transport acks when it
 * returns, retries what is retryable, and dead-letters the rest.
 */
@Controller()
export class UpstreamEventsController implements OnApplicationShutdown {
  constructor(@Inject(UPSTREAM_RUNTIME) private readonly runtime: UpstreamRuntime) {}

  @EventPattern<string>('upstream.>')
  async handle(@Payload() event: EventMessage, @Ctx() ctx: JetStreamContext): Promise<void> {
    // The context's logger carries the event id already (the transport adds it).
    const logger = ctx.getLogger().child({ type: event.type });
    await this.runtime.service.handle(event, logger);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runtime.close();
  }
}
