// Starts a NestJS microservice on the JetStream transport, with the error filter that
// keeps handler errors intact for the consumer.
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice, InjectionToken, LoggerService } from '@nestjs/common';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { JetStreamErrorFilter } from './jetstream-error.filter.js';
import type { JetStreamServer } from './jetstream.server.js';

export interface JetStreamMicroserviceOptions {
  /** Where Nest's own log lines go (false: nowhere). */
  logger?: LoggerService | false;
  /** Providers of the module handed to `server`, e.g. the platform's NATS and ORM tokens. */
  inject: InjectionToken[];
  /** Builds the transport from the injected providers. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  server: (...deps: any[]) => JetStreamServer;
}

/**
 * Creates a NestJS microservice on the JetStream transport and starts consuming: the
 * streams and the durable consumer exist when it returns. Installs JetStreamErrorFilter
 * so that handler errors reach the transport with their `retryable` flag.
 */
export async function createJetStreamMicroservice(
  module: unknown,
  options: JetStreamMicroserviceOptions,
): Promise<INestMicroservice> {
  const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(module as never, {
    inject: options.inject,
    useFactory: (...deps: unknown[]) => ({ strategy: options.server(...deps) }),
    logger: options.logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new JetStreamErrorFilter());
  try {
    await app.listen();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
