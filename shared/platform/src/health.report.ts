// The one answer to `/healthz` and `/readyz`, served by the HTTP services' HealthController
// and by the workers' small HTTP server alike.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@packflow/core';
import type { HealthParts, HealthPartState } from './health.parts.js';
import { natsReachable } from './nats.connection.js';

/** What a service's probes look at: its database, its NATS connection and its other parts. */
export interface HealthSources {
  database: Database;
  nats: NatsConnection;
  parts: HealthParts;
}

export type HealthBody = { status: 'ok' | 'unavailable'; database: string; nats: string } & Record<
  string,
  string | HealthPartState
>;

export interface HealthAnswer {
  status: 200 | 503;
  body: HealthBody;
}

/**
 * `/healthz` (liveness): 200 while the process answers, even when PostgreSQL or NATS is
 * down (restarting the process would not bring them back); the body still says what is
 * down. `/readyz` (readiness): 200 when PostgreSQL and NATS answer, 503 naming what does
 * not. Both show the state of the service's other parts (see HealthParts).
 */
export async function healthAnswer(probe: 'healthz' | 'readyz', sources: HealthSources): Promise<HealthAnswer> {
  const [database, nats] = await Promise.all([sources.database.unreachable(), natsReachable(sources.nats)]);
  const ready = !database && !nats;
  const dependencies = {
    database: database ? `unreachable: ${database}` : 'ok',
    nats: nats ? `unreachable: ${nats}` : 'ok',
  };
  const parts = sources.parts.snapshot();
  if (probe === 'healthz') return { status: 200, body: { status: 'ok', ...dependencies, ...parts } };
  return { status: ready ? 200 : 503, body: { status: ready ? 'ok' : 'unavailable', ...dependencies, ...parts } };
}
