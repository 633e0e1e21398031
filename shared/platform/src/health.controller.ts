import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@packflow/core';
import { HealthParts } from './health.parts.js';
import { healthAnswer, type HealthSources } from './health.report.js';
import { DATABASE, NATS } from './tokens.js';

/** `GET /healthz` (liveness) and `GET /readyz` (readiness) of the HTTP services: see healthAnswer. */
@Controller()
export class HealthController {
  private readonly sources: HealthSources;

  constructor(
    @Inject(DATABASE) database: Database,
    @Inject(NATS) nats: NatsConnection,
    @Inject(HealthParts) parts: HealthParts,
  ) {
    this.sources = { database, nats, parts };
  }

  @Get('healthz')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const { status, body } = await healthAnswer('healthz', this.sources);
    await reply.status(status).send(body);
  }

  @Get('readyz')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { status, body } = await healthAnswer('readyz', this.sources);
    await reply.status(status).send(body);
  }
}
