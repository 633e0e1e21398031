import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Database, type CommonConfig, type Logger, type MikroORM } from '@packflow/core';
import { createOrm } from '@packflow/ecosystems';
import { HealthController } from './health.controller.js';
import { HealthParts } from './health.parts.js';
import { MetricsController } from './metrics.controller.js';
import { connectNats } from './nats.connection.js';
import type { SharedConnections } from './service.types.js';
import { CONFIG, DATABASE, LOGGER, NATS, ORM } from './tokens.js';

export interface PlatformOptions {
  /** Service name: logger name and NATS connection name. */
  name: string;
  config: Readonly<CommonConfig>;
  logger: Logger;
  /** Serve `GET /healthz` (liveness), `GET /readyz` (readiness) and `GET /metrics` (HTTP services). */
  http?: boolean;
  /**
   * Connections owned by the caller (the all-in-one process shares one of each across
   * its services); the platform opens and closes its own otherwise.
   */
  shared?: SharedConnections;
}

/** The ORM only records and reads dead letters: a couple of connections is plenty. */
const ORM_POOL = { min: 0, max: 2 };

const OWNS_CONNECTIONS = Symbol('packflow.ownsConnections');

/** Closes what the platform opened: NATS is drained (in-flight work finishes), then the ORM and the database. */
class PlatformLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(OWNS_CONNECTIONS) private readonly owns: boolean,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(ORM) private readonly orm: MikroORM,
    @Inject(NATS) private readonly nats: NatsConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.owns) return;
    if (!this.nats.isClosed()) await this.nats.drain().catch(() => this.nats.close());
    await this.orm.close();
    await this.database.close();
  }
}

/**
 * Config, logger, the database, the ORM and NATS for a service; global, so feature
 * modules just inject them. The `Database` is the one way to run SQL; the ORM (entity
 * work only) keeps a pool of at most two connections beside it.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, logger, shared } = options;
    return {
      module: PlatformModule,
      global: true,
      controllers: options.http ? [HealthController, MetricsController] : [],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: OWNS_CONNECTIONS, useValue: !shared },
        {
          provide: DATABASE,
          useFactory: () => shared?.database ?? new Database({ url: config.databaseUrl, logger, name: options.name }),
        },
        { provide: ORM, useFactory: () => shared?.orm ?? createOrm(config.databaseUrl, { pool: ORM_POOL }) },
        { provide: NATS, useFactory: () => shared?.nats ?? connectNats(config.natsUrl, options.name, logger) },
        { provide: HealthParts, useValue: new HealthParts() },
        PlatformLifecycle,
      ],
      exports: [CONFIG, LOGGER, DATABASE, ORM, NATS, HealthParts],
    };
  }
}
