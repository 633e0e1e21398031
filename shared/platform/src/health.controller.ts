import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@packflow/core';
import { HealthParts } from './health.parts.js';
import { natsReachable } from './nats.connection.js';
import { DATABASE, NATS } from './tokens.js';

/**
 * `GET /healthz` (liveness): 200 while the process serves requests, even when PostgreSQL or
 * NATS is down (restarting the process would not bring them back); the body still says
 * what is down. `GET /readyz` (readiness): 200 when PostgreSQL and NATS answer, 503 naming
 * what does not. Both show the state of the service's other parts (see HealthParts).
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly database: Database,
    @Inject(NATS) private readonly nats: NatsConnection,
    @Inject(HealthParts) private readonly parts: HealthParts,
  ) {}

  @Get('healthz')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const { dependencies } = await this.dependencies();
    await reply.status(200).send({ status: 'ok', ...dependencies, ...this.parts.snapshot() });
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, dependencies } = await this.dependencies();
    await reply
      .status(ready ? 200 : 503)
      .send({ status: ready ? 'ok' : 'unavailable', ...dependencies, ...this.parts.snapshot() });
  }

  private async dependencies(): Promise<{ ready: boolean; dependencies: { database: string; nats: string } }> {
    const [database, nats] = await Promise.all([this.database.unreachable(), natsReachable(this.nats)]);
    return {
      ready: !database && !nats,
      dependencies: {
        database: database ? `unreachable: ${database}` : 'ok',
        nats: nats ? `unreachable: ${nats}` : 'ok',
      },
    };
  }
}
