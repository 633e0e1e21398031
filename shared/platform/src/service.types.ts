import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger, MikroORM } from '@packflow/core';

/** How a service is started: alone (its own main) or inside the all-in-one process. */
export interface ServiceStartOptions {
  env?: Readonly<Record<string, string | undefined>>;
  logger?: Logger;
  shared?: { orm: MikroORM; nats: NatsConnection };
}

export interface RunningService {
  name: string;
  /** Base URL for HTTP services. */
  url?: string;
  close(): Promise<void>;
}
