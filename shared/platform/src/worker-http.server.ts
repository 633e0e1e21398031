// The HTTP of a service without HTTP of its own (the workers started alone): a plain
// listener on WORKER_METRICS_PORT answering `GET /metrics` with the same text the HTTP
// services serve through MetricsController, `GET /healthz` and `GET /readyz` with the same
// answers as their HealthController (healthAnswer), and 404 (in the one error body) for
// anything else.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsText, type Logger } from '@packflow/core';
import { healthAnswer, type HealthSources } from './health.report.js';

export interface WorkerHttpServer {
  url: string;
  close(): Promise<void>;
}

export interface WorkerHttpOptions {
  host: string;
  port: number;
  logger: Logger;
  /** What `/healthz` and `/readyz` look at. */
  health: HealthSources;
}

const ROUTES = 'GET /metrics, /healthz and /readyz are';

export async function serveWorkerHttp(options: WorkerHttpOptions): Promise<WorkerHttpServer> {
  const { logger, health } = options;
  const fail = (res: ServerResponse, what: string) => (error: unknown) => {
    logger.error({ err: error }, `${what} could not be answered`);
    if (res.headersSent) return void res.end();
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'internal_error', message: 'internal error' }));
  };
  const server = createServer((req, res) => {
    const path = req.url?.split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      metricsText().then(
        ({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        },
        fail(res, 'metrics'),
      );
      return;
    }
    if (req.method === 'GET' && (path === '/healthz' || path === '/readyz')) {
      healthAnswer(path === '/healthz' ? 'healthz' : 'readyz', health).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        },
        fail(res, path),
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: 'not_found', message: `${req.method} ${req.url} is not a route (${ROUTES})` }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
