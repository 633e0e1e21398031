// `GET /metrics` for a service without HTTP of its own (the workers started alone): a plain
// HTTP listener that answers that one path with the same text the HTTP services serve
// through MetricsController, and 404 (in the one error body) for anything else.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsText, type Logger } from '@packflow/core';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export async function serveMetrics(options: { host: string; port: number; logger: Logger }): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ code: 'not_found', message: `${req.method} ${req.url} is not a route (GET /metrics is)` }),
      );
      return;
    }
    metricsText().then(
      ({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      },
      (error: unknown) => {
        options.logger.error({ err: error }, 'metrics could not be collected');
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'internal_error', message: 'internal error' }));
      },
    );
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
