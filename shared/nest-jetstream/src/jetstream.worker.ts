// Starts a worker service (upstream, stream, results) as a NestJS microservice on the
// JetStream transport, wired from the platform's NATS and ORM providers.
import type { DynamicModule } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { createLogger, type CommonConfig, type Logger, type MikroORM } from '@packflow/core';
import {
  DeadLetterRepository,
  payloadValidator,
  workerConsumerOptions,
  type WorkerTransportConfig,
} from '@packflow/messaging';
import {
  DATABASE,
  HealthParts,
  NATS,
  ORM,
  PinoNestLogger,
  serveWorkerHttp,
  type RunningService,
  type ServiceStartOptions,
} from '@packflow/platform';
import { createJetStreamMicroservice } from './jetstream.microservice.js';
import { JetStreamServer } from './jetstream.server.js';

export interface JetStreamWorkerSpec<C extends CommonConfig & { transport: WorkerTransportConfig }> {
  /** Service name: the logger's name and `RunningService.name`. */
  name: string;
  config: Readonly<C>;
  /** The worker's root module, given the platform's options. */
  module(platform: { config: Readonly<C>; logger: Logger; shared: ServiceStartOptions['shared'] }): DynamicModule;
  /** Checks each received payload against its subject's schema (throws when invalid). */
  validate(subject: string, data: unknown): unknown;
}

/**
 * Starts a worker service: a NestJS microservice on the JetStream transport, consuming
 * through the durable consumer its config names, with payloads validated on receipt and
 * dead letters in the database. Resolves once it consumes. With `serveHttp` it also
 * serves `GET /metrics`, `/healthz` and `/readyz` (its `url`), looking at the platform's
 * database, NATS connection and health parts.
 */
export async function startJetStreamWorker<C extends CommonConfig & { transport: WorkerTransportConfig }>(
  spec: JetStreamWorkerSpec<C>,
  options: ServiceStartOptions = {},
): Promise<RunningService> {
  const { name, config } = spec;
  const logger = options.logger ?? createLogger({ name, level: config.logLevel, pretty: config.logPretty });
  const app = await createJetStreamMicroservice(spec.module({ config, logger, shared: options.shared }), {
    logger: new PinoNestLogger(logger),
    inject: [NATS, ORM],
    server: (nats: NatsConnection, orm: MikroORM) =>
      new JetStreamServer({
        ...workerConsumerOptions(config.transport),
        nats,
        orm,
        logger,
        validate: payloadValidator(spec.validate),
        deadLetters: new DeadLetterRepository(orm),
      }),
  });
  if (!options.serveHttp) return { name, close: () => app.close() };
  const health = { database: app.get(DATABASE), nats: app.get(NATS), parts: app.get(HealthParts) };
  const served = await serveWorkerHttp({ ...config.transport.metrics, logger, health }).catch(
    async (error: unknown) => {
      await app.close();
      throw error;
    },
  );
  return {
    name,
    url: served.url,
    close: async () => {
      await served.close();
      await app.close();
    },
  };
}
