import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Database, Logger } from '@packflow/core';
import { OutboxRelay, type OutboxRelayOptions } from '@packflow/messaging';
import { CONFIG, DATABASE, LOGGER, NATS } from '@packflow/platform';
import type { SchedulerConfig } from '../scheduler.config.js';

/**
 * Runs the outbox relay inside the scheduler: started with the module, stopped before
 * the platform drains NATS. Events the intake records while NATS is down wait in
 * `shared.outbox` and are published when it is back.
 */
@Injectable()
export class OutboxRelayService implements OnModuleInit, OnModuleDestroy {
  private readonly relay: OutboxRelay;

  constructor(
    @Inject(CONFIG) config: SchedulerConfig,
    @Inject(DATABASE) database: Database,
    @Inject(NATS) nats: OutboxRelayOptions['nats'],
    @Inject(LOGGER) logger: Logger,
  ) {
    this.relay = new OutboxRelay({
      database,
      nats,
      logger,
      streams: [config.outbox.stream],
      batchSize: config.outbox.batchSize,
      pollIntervalMs: config.outbox.pollIntervalMs,
    });
  }

  onModuleInit(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
