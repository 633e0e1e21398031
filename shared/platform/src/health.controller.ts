import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@packflow/core';
import { HealthParts } from './health.parts.js';
import { natsReachable } from './nats.connection.js';
import { DATABASE, NATS } from './tokens.js';

/**
 * `GET /healthz`: 200 when PostgreSQL and NATS answer, 503 naming what does not; the
 * state of the service's other parts (see HealthParts) is shown beside them.
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
    const [database, nats] = await Promise.all([this.database.unreachable(), natsReachable(this.nats)]);
    const ok = !database && !nats;
    await reply.status(ok ? 200 : 503).send({
      status: ok ? 'ok' : 'unavailable',
      database: database ? `unreachable: ${database}` : 'ok',
      nats: nats ? `unreachable: ${nats}` : 'ok',
      ...this.parts.snapshot(),
    });
  }
}
