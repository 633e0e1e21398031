import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IntakeService, type IntakeAnswer, type IntakeRequest } from './intake.service.js';

/**
 * The scheduler's front door. Each route hands the headers and the raw body to the
 * intake service and sends its answer: 202 {event_id}, 200 {ignored} or {duplicate};
 * its errors (400, 401, 415; 413 from Fastify, before) are answered by the platform's
 * HttpErrorFilter.
 */
@Controller('webhooks')
export class WebhookController {
  constructor(@Inject(IntakeService) private readonly intake: IntakeService) {}

  @Post('github')
  async github(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.intake.github(intakeRequest(request)));
  }

  @Post('gitlab')
  async gitlab(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.intake.gitlab(intakeRequest(request)));
  }

  @Post('testing-farm')
  async testingFarm(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.intake.testingFarm(intakeRequest(request)));
  }

  @Post('messages')
  async messages(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.intake.messages(intakeRequest(request)));
  }
}

function intakeRequest(request: FastifyRequest): IntakeRequest {
  return { headers: request.headers, body: request.body };
}

async function send(reply: FastifyReply, answer: IntakeAnswer): Promise<void> {
  await reply.status(answer.status).send(answer.body);
}
