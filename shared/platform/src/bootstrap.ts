import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { INestApplicationContext } from '@nestjs/common';
import { metrics, type Logger } from '@packflow/core';
import { HttpErrorFilter } from './http-error.filter.js';
import { PinoNestLogger } from './nest-logger.js';

export interface HttpServiceOptions {
  /** The service's name: the `service` label of its request metrics. */
  service: string;
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
  // Every request's latency, labelled by route template (a path would make a series per id).
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onResponse', (request, reply, done) => {
      metrics.httpRequestDuration.observe(
        {
          service: options.service,
          method: request.method,
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  await options.beforeListen?.(app);
  await app.listen(options.port, options.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${port}`;
  options.logger.info({ url }, 'listening on HTTP');
  return { app, url };
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

export interface SignalStop {
  /** What stops the process cleanly; run now when a signal came while it was starting. */
  closeWith(close: () => Promise<void>): void;
}

/**
 * Stops cleanly on SIGTERM or SIGINT and exits 0. Call it before starting anything, so a
 * Ctrl-C while the process starts also ends with 0 (it stops once `closeWith` names how).
 *
 * Ctrl-C under `pnpm run` delivers SIGINT twice: the terminal's to the whole process group
 * and pnpm's forwarded copy. The second signal is therefore part of the same request; a
 * third one while stopping exits at once with 1.
 */
export function closeOnSignal(logger: Logger): SignalStop {
  let close: (() => Promise<void>) | undefined;
  let signals = 0;
  let stopping = false;
  const stop = () => {
    if (stopping || !close) return;
    stopping = true;
    close().then(
      () => {
        logger.info('stopped');
        logger.flush?.();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        logger.flush?.();
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 2) {
      logger.warn({ signal }, 'third signal while stopping: exiting now');
      logger.flush?.();
      process.exit(1);
    }
    if (signals === 2) return;
    logger.info({ signal }, close ? 'stopping' : 'stopping once started');
    stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return {
    closeWith(fn) {
      close = fn;
      if (signals > 0) stop();
    },
  };
}
