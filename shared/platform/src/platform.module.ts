import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CommonConfig, Logger, MikroORM } from '@packflow/core';
import { createOrm } from '@packflow/ecosystems';
import { HealthController } from './health.controller.js';
import { connectNats } from './nats.connection.js';
import { CONFIG, LOGGER, NATS, ORM } from './tokens.js';

export interface PlatformOptions {
  /** Service name: logger name and NATS connection name. */
  name: string;
  config: Readonly<CommonConfig>;
  logger: Logger;
  /** Serve `GET /healthz` (HTTP services). */
  http?: boolean;
  /**
   * Connections owned by the caller (the all-in-one process shares one of each across
   * its services); the platform opens and closes its own otherwise.
   */
  shared?: { orm: MikroORM; nats: NatsConnection };
}

const OWNS_CONNECTIONS = Symbol('packflow.ownsConnections');

/** Closes what the platform opened: NATS is drained (in-flight work finishes), then the ORM. */
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OWNS_CONNECTIONS) private readonly owns: boolean,
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(NATS) private readonly nats: NatsConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.owns) return;
    if (!this.nats.isClosed()) await this.nats.drain().catch(() => this.nats.close());
    await this.orm.close();
  }
}

/** Config, logger, ORM and NATS for a service; global, so feature modules just inject them. */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, logger, shared } = options;
    return {
      module: PlatformModule,
      global: true,
      controllers: options.http ? [HealthController] : [],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: OWNS_CONNECTIONS, useValue: !shared },
        { provide: ORM, useFactory: () => shared?.orm ?? createOrm(config.databaseUrl) },
        { provide: NATS, useFactory: () => shared?.nats ?? connectNats(config.natsUrl, options.name, logger) },
        PlatformLifecycle,
      ],
      exports: [CONFIG, LOGGER, ORM, NATS],
    };
  }
}
