import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isTransientInfrastructureError, PackflowError, type Logger } from '@packflow/core';
import { LOGGER } from '@packflow/platform';
import { STATUS_OF_CODE } from './intake.errors.js';

export interface ErrorAnswer {
  status: number;
  body: { error: string; message: string };
}

/** The HTTP answer to an error: PackflowError codes map to statuses; internals are not shown. */
export function answerFor(error: unknown): ErrorAnswer {
  if (error instanceof PackflowError) {
    const status = STATUS_OF_CODE[error.code] ?? (error.retryable ? 503 : 500);
    return {
      status,
      body: {
        error: error.code,
        message: status >= 500 ? 'the event could not be recorded; try again later' : error.message,
      },
    };
  }
  if (error instanceof HttpException) {
    return { status: error.getStatus(), body: { error: 'http_error', message: error.message } };
  }
  if (isTransientInfrastructureError(error)) {
    return { status: 503, body: { error: 'unavailable', message: 'the event could not be recorded; try again later' } };
  }
  return { status: 500, body: { error: 'internal', message: 'the event could not be recorded' } };
}

/** Maps what the intake throws to answers; never a stack trace or a secret in a reply or log line. */
@Catch()
export class IntakeExceptionFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const { url } = http.getRequest<{ url: string }>();
    const answer = answerFor(error);
    if (answer.status >= 500) this.logger.error({ err: error, url }, 'intake failed');
    else this.logger.info({ url, status: answer.status, error: answer.body.error }, answer.body.message);
    void reply.status(answer.status).send(answer.body);
  }
}
