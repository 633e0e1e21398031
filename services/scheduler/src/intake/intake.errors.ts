import { PackflowError } from '@packflow/core';

/** A bad or missing signature or token: answered 401, nothing recorded. */
export class UnauthorizedError extends PackflowError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

/** A body the intake cannot verify or read as it is (not JSON). */
export class UnsupportedMediaTypeError extends PackflowError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

/** HTTP status of each error code the intake answers with. */
export const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  validation_failed: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  unsupported_media_type: 415,
};
