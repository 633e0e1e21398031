/**
 * The one error base of packflow. `code` is stable (for logs, API answers and tests),
 * `retryable` tells the JetStream transport whether to nak (try again later) or
 * terminate, and `cause` keeps the underlying error.
 */
export class PackflowError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  /** Extra, non-secret facts for logs and API answers. */
  readonly details?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    options: { retryable?: boolean; cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  static isRetryable(error: unknown): boolean {
    if (error instanceof PackflowError) return error.retryable;
    return isTransientInfrastructureError(error);
  }
}

/** Input that cannot be accepted as it is (never retried). */
export class ValidationError extends PackflowError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('validation_failed', message, { details });
  }
}

export class NotFoundError extends PackflowError {
  constructor(what: string, id: string | number) {
    super('not_found', `${what} ${id} does not exist`, { details: { what, id } });
  }
}

export class ConflictError extends PackflowError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('conflict', message, { details });
  }
}

/** The caller did not prove who it is (no signature or token, or a wrong one): nothing is done. */
export class UnauthorizedError extends PackflowError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** The caller is known but may not do this; `details.errors` may list what it may not touch. */
export class ForbiddenError extends PackflowError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('forbidden', message, { details });
  }
}

/** Input larger than what is accepted. */
export class PayloadTooLargeError extends PackflowError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('payload_too_large', message, { details });
  }
}

/** Input in a form that is not read here (such as a body that is not JSON where JSON is expected). */
export class UnsupportedMediaTypeError extends PackflowError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** Bad operator configuration: a missing or malformed environment variable, etc. */
export class ConfigurationError extends PackflowError {
  constructor(message: string) {
    super('configuration_invalid', message);
  }
}

/**
 * A feature this deployment was not set up for (an identity or an app missing from its
 * configuration). Its message names the settings to add and is safe to show: it holds
 * setting names, never their values.
 */
export class NotConfiguredError extends PackflowError {
  constructor(message: string, settings: readonly string[]) {
    super('not_configured', message, { details: { settings } });
  }
}

/**
 * A message came before what it needs: a build's or test's result before packflow has
 * recorded that build's or request's id. Expected now and then, so it is retried and
 * logged as a wait, not as a failure; it is dead-lettered only when it never fits.
 */
export class TooEarlyError extends PackflowError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, { retryable: true, details });
  }
}

/** A call to a system we do not control failed; retryable unless the answer says otherwise. */
export class ExternalServiceError extends PackflowError {
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    service: string,
    message: string,
    options: { status?: number; retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super('external_service_failed', `${service}: ${message}`, {
      retryable: options.retryable ?? true,
      cause: options.cause,
      details: { service, status: options.status },
    });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '08001', // sqlclient_unable_to_establish_sqlconnection
]);

/** pg's own errors when a connection is lost or cannot be had; they carry no code. */
const PG_CONNECTION_LOST =
  /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect)/;

/** Network hiccups, deadlocks and serialization failures are worth another try. */
export function isTransientInfrastructureError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const message = (e as { message?: unknown }).message;
    if (code === undefined && typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
