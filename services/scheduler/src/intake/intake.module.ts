import { Module } from '@nestjs/common';
import { FedoraMessagingConsumer } from '../bus/fedora-messaging.consumer.js';
import { IntakeService } from './intake.service.js';
import { RawBodyParser } from './raw-body.parser.js';
import { WebhookController } from './webhook.controller.js';

/**
 * Webhook and message intake: `POST /webhooks/{github,gitlab,testing-farm,messages}`, and
 * the fedora-messaging consumer when FEDORA_MESSAGING_URL is set.
 */
@Module({
  controllers: [WebhookController],
  providers: [IntakeService, RawBodyParser, FedoraMessagingConsumer],
})
export class IntakeModule {}
