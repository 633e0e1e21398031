// The one HTTP error answer of every packflow service, `{code, message, errors?}`, for
// whatever goes wrong: domain errors (PackflowError, by their stable code), NestJS's own
// exceptions (an unknown route, a pipe), and the body parser's (not JSON, too large,
// a content type nothing reads). startHttpService installs it for every HTTP service,
// so business code throws domain errors and never picks a status itself.
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isTransientInfrastructureError, PackflowError, type Logger } from '@packflow/core';

/** What every service answers with when a request fails. */
export interface ErrorBody {
  /** Stable, for programs: a PackflowError's `code`, or the one of its HTTP status. */
  code: string;
  /** For people: what is wrong and where. Hidden (a generic text) on 5xx answers. */
  message: string;
  /** Each problem located (such as `{pointer, message}` JSON pointers), where the error lists them. */
  errors?: unknown[];
}

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
}

/** HTTP status of each domain error code; any other code is a 500 (503 when retryable). */
export const HTTP_STATUS_OF_CODE: Readonly<Record<string, number>> = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_configured: 503,
};

/** The code of an answer that no domain error names (Nest's and Fastify's own errors). */
const CODE_OF_STATUS: Readonly<Record<number, string>> = {
  ...Object.fromEntries(Object.entries(HTTP_STATUS_OF_CODE).map(([code, status]) => [status, code])),
  405: 'method_not_allowed',
  429: 'too_many_requests',
};

const UNAVAILABLE: ErrorBody = { code: 'unavailable', message: 'temporarily unavailable; try again later' };
const INTERNAL: ErrorBody = { code: 'internal_error', message: 'internal error' };

export interface ErrorAnswerContext {
  /** The request's method and path (without its query, which may carry a token). */
  method?: string;
  path?: string;
  /** The largest accepted body, named in a 413 answer. */
  bodyLimit?: number;
  /** The request's content type, named in a 415 answer. */
  contentType?: string;
}

/** The status and body for an error; never a stack trace, an internal message or a secret. */
export function errorAnswer(error: unknown, context: ErrorAnswerContext = {}): ErrorAnswer {
  if (error instanceof PackflowError) {
    const status = HTTP_STATUS_OF_CODE[error.code] ?? (error.retryable ? 503 : 500);
    // A mapped code's message is written for the caller (not_configured names the settings to add).
    if (status >= 500 && !(error.code in HTTP_STATUS_OF_CODE))
      return { status, body: { ...(status === 503 ? UNAVAILABLE : INTERNAL), code: error.code } };
    const errors = error.details?.errors;
    return {
      status,
      body: { code: error.code, message: error.message, ...(Array.isArray(errors) && errors.length ? { errors } : {}) },
    };
  }
  // Nest hands Fastify's 4xx errors (the body parser's) over wrapped in an HttpException.
  // Any other error that carries a status of its own (a client library's) is a 500.
  const parser = error instanceof HttpException ? error.cause : undefined;
  const statusCode = (parser as { statusCode?: unknown } | undefined)?.statusCode;
  if (parser instanceof Error && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, body: { code: codeOf(statusCode), message: parserMessage(parser, context) } };
  }
  if (error instanceof HttpException) return httpExceptionAnswer(error, context);
  if (isTransientInfrastructureError(error)) return { status: 503, body: UNAVAILABLE };
  return { status: 500, body: INTERNAL };
}

function codeOf(status: number): string {
  return CODE_OF_STATUS[status] ?? (status >= 500 ? INTERNAL.code : 'bad_request');
}

/**
 * Nest's exceptions: its 404 for an unknown route (business code throws NotFoundError,
 * never Nest's), a pipe's message (or list of them).
 */
function httpExceptionAnswer(error: HttpException, context: ErrorAnswerContext): ErrorAnswer {
  const status = error.getStatus();
  if (status >= 500) return { status, body: status === 503 ? UNAVAILABLE : INTERNAL };
  if (status === 404 && context.path !== undefined) {
    return { status, body: { code: codeOf(status), message: `no route for ${context.method} ${context.path}` } };
  }
  const response = error.getResponse();
  const messages = typeof response === 'object' ? (response as { message?: unknown }).message : undefined;
  if (Array.isArray(messages) && messages.length > 0) {
    return {
      status,
      body: { code: codeOf(status), message: messages.join('; '), errors: messages.map((message) => ({ message })) },
    };
  }
  return { status, body: { code: codeOf(status), message: error.message } };
}

/** Fastify's body parser errors, said the way packflow says them. */
function parserMessage(error: Error, context: ErrorAnswerContext): string {
  switch ((error as { code?: unknown }).code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty, but its content type is application/json';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return context.bodyLimit === undefined
        ? 'the body is too large'
        : `the body is larger than the limit of ${context.bodyLimit} bytes`;
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `unsupported media type: ${context.contentType || '(none)'}; send application/json`;
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'the body is not as long as its Content-Length header says';
    default:
      return error.message;
  }
}

/**
 * Answers every error of an HTTP service with `ErrorBody`. A 5xx is logged with its error
 * (the answer says nothing of it); a 4xx is logged at info with its code.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly options: { bodyLimit?: number } = {},
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const method = request.method;
    const path = request.url.split('?')[0]; // a query string may carry a token
    const answer = errorAnswer(error, {
      method,
      path,
      bodyLimit: this.options.bodyLimit,
      contentType: request.headers['content-type'],
    });
    const where = { method, path, status: answer.status, code: answer.body.code };
    if (answer.status >= 500) this.logger.error({ ...where, err: error }, 'request failed');
    else this.logger.info(where, answer.body.message);
    if (reply.sent) return;
    void reply.status(answer.status).send(answer.body);
  }
}
