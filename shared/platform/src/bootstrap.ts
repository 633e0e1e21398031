import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
import type { Logger } from '@packflow/core';
import { HttpErrorFilter } from './http-error.filter.js';
import { PinoNestLogger } from './nest-logger.js';

export interface HttpServiceOptions {
  logger: Logger;
  port: number;
  host: string;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** Runs on the application before it listens (static files, the OpenAPI document). */
  beforeListen?: (app: NestFastifyApplication) => void | Promise<void>;
}

/**
 * Creates a NestJS application on Fastify and listens; returns it with its URL. Every
 * error, also an unknown route's and the body parser's, is answered by HttpErrorFilter.
 */
export async function startHttpService(
  module: unknown,
  options: HttpServiceOptions,
): Promise<{ app: NestFastifyApplication; url: string }> {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const app = await NestFactory.create<NestFastifyApplication>(
    module as never,
    new FastifyAdapter({ bodyLimit, logger: false }),
    { logger: new PinoNestLogger(options.logger), abortOnError: false },
  );
  app.useGlobalFilters(new HttpErrorFilter(options.logger, { bodyLimit }));
  await options.beforeListen?.(app);
  await app.listen(options.port, options.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { app, url: `http://${host}:${port}` };
}

/** Creates a NestJS application without HTTP (workers). */
export async function startContext(module: unknown, logger: Logger): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(module as never, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
  });
  await app.init();
  return app;
}

/**
 * Stops cleanly on SIGTERM or SIGINT: runs `close` (drain, close connections) and exits 0;
 * a second signal while closing exits at once with 1.
 */
export function closeOnSignal(close: () => Promise<void>, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal while stopping: exiting now');
      process.exit(1);
    }
    closing = true;
    logger.info({ signal }, 'stopping');
    close().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
