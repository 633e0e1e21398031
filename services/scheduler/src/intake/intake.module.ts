import { Module } from '@nestjs/common';
import { IntakeService } from './intake.service.js';
import { RawBodyParser } from './raw-body.parser.js';
import { WebhookController } from './webhook.controller.js';

/** Webhook and message intake: `POST /webhooks/{github,gitlab,testing-farm,messages}`. */
@Module({
  controllers: [WebhookController],
  providers: [IntakeService, RawBodyParser],
})
export class IntakeModule {}
