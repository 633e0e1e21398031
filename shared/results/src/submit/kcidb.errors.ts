import { ForbiddenError, ValidationError } from '@packflow/core';
import type { KcidbViolation } from '../report/kcidb-report.types.js';

/** The token is valid but may not submit (some of) the report's objects (HTTP 403), each located. */
export function kcidbForbiddenError(message: string, violations: readonly KcidbViolation[]): ForbiddenError {
  return new ForbiddenError(message, { errors: violations });
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
