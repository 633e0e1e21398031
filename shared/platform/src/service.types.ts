import type { NatsConnection } from '@nats-io/transport-node';
import type { Database, Logger, MikroORM } from '@packflow/core';

/** Connections the all-in-one process opens once and lends to every service it runs. */
export interface SharedConnections {
  database: Database;
  orm: MikroORM;
  nats: NatsConnection;
}

/** How a service is started: alone (its own main) or inside the all-in-one process. */
export interface ServiceStartOptions {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  shared?: SharedConnections;
  /**
   * Workers: serve `GET /metrics`, `/healthz` and `/readyz` on HOST:WORKER_METRICS_PORT (9464),
   * as their mains do. The HTTP services always serve them; in the all-in-one process they
   * serve every service's metrics.
   */
  serveHttp?: boolean;
}

export interface RunningService {
  name: string;
  /** Base URL for HTTP services. */
  url?: string;
  close(): Promise<void>;
}
