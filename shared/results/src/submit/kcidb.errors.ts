import { PackflowError, ValidationError } from '@packflow/core';
import type { KcidbViolation } from '../report/kcidb-report.types.js';

/** No token, or a token no submitter has (HTTP 401). The token itself is never repeated. */
export class KcidbUnauthorizedError extends PackflowError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** The token is valid but may not submit (some of) the report's objects (HTTP 403). */
export class KcidbForbiddenError extends PackflowError {
  constructor(message: string, violations: readonly KcidbViolation[]) {
    super('forbidden', message, { details: { errors: violations } });
  }
}

/** A document or a query that breaks the rules, with every violation located (HTTP 400). */
export function kcidbValidationError(what: string, violations: readonly KcidbViolation[]): ValidationError {
  const first = violations[0];
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
  return new ValidationError(
    `${what}: ${first ? `${first.pointer || '(document)'} ${first.message}` : 'invalid'}${more}`,
    {
      errors: violations,
    },
  );
}
