import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { PackflowError, type Logger } from '@packflow/core';
import { LOGGER } from '@packflow/platform';

/** HTTP status of each stable PackflowError code; anything else is a 500 (503 when retryable). */
const STATUS: Record<string, number> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
};

/**
 * Maps errors to HTTP answers `{"code", "message", "errors"?}`: PackflowErrors by their code,
 * framework errors (a body that is not JSON, one too large) by their status. Business code
 * never throws HTTP exceptions. Unexpected errors are logged and answered without details.
 */
@Catch()
export class PackflowErrorFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<{ status(code: number): { send(body: unknown): unknown } }>();
    const { status, body } = this.answer(error);
    reply.status(status).send(body);
  }

  private answer(error: unknown): { status: number; body: Record<string, unknown> } {
    if (error instanceof PackflowError) {
      const status = STATUS[error.code] ?? (error.retryable ? 503 : 500);
      if (status >= 500) this.logger.error({ err: error }, 'request failed');
      const errors = error.details?.errors;
      return { status, body: { code: error.code, message: error.message, ...(errors ? { errors } : {}) } };
    }
    if (error instanceof HttpException) {
      return { status: error.getStatus(), body: { code: 'http_error', message: error.message } };
    }
    const statusCode = (error as { statusCode?: unknown }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { status: statusCode, body: { code: 'bad_request', message: (error as Error).message } };
    }
    this.logger.error({ err: error }, 'request failed');
    return { status: 500, body: { code: 'internal_error', message: 'internal error' } };
  }
}
