import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { KCIDB_SUBMITTED_SUBJECT, type KcidbSubmittedMessage } from '@packflow/events';
import { JetStreamContext } from '@packflow/messaging';
import { KcidbSubmissionProcessor } from '@packflow/results';

/**
 * Loads a stored KCIDB submission when its `results.kcidb.submitted` message arrives.
 * Loading is idempotent (a redelivery of a processed submission does nothing); an
 * interrupted load is retryable, so the transport redelivers it with backoff; a
 * submission that does not exist is not, so its message is dead-lettered.
 */
@Controller()
export class ResultsEventsController {
  constructor(@Inject(KcidbSubmissionProcessor) private readonly processor: KcidbSubmissionProcessor) {}

  @EventPattern<string>(KCIDB_SUBMITTED_SUBJECT)
  async kcidbSubmitted(@Payload() message: KcidbSubmittedMessage, @Ctx() ctx: JetStreamContext): Promise<void> {
    const outcome = await this.processor.processSubmission(message.submissionId);
    if (!outcome.loaded) {
      ctx.getLogger().info({ submission: outcome.id, status: outcome.status }, 'KCIDB submission was already finished');
    }
  }
}
