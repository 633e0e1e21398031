import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { metricsText } from '@packflow/core';

/** `GET /metrics`: the process's metrics in Prometheus' text format (names in docs/metrics.md). */
@Controller()
export class MetricsController {
  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await metricsText();
    await reply.status(200).header('content-type', contentType).send(body);
  }
}
