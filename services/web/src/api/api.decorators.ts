// The OpenAPI description every /api/v1 read route shares: its answer, the 400 and 404 with
// the one error body, and the paging parameters of lists.
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery } from '@nestjs/swagger';
import { MAX_PAGE } from '@packflow/core';
import { ErrorBody } from './api.schemas.js';

export function ApiRead(type: Type, options: { summary: string; id?: string; list?: boolean }) {
  return applyDecorators(
    ApiOkResponse({ type, description: options.summary }),
    ApiBadRequestResponse({ type: ErrorBody, description: 'A parameter is invalid; `errors` names it' }),
    ...(options.id
      ? [
          ApiParam({
            name: 'id',
            description: `The ${options.id} id`,
            schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
          }),
          ApiNotFoundResponse({ type: ErrorBody, description: `No such ${options.id}` }),
        ]
      : []),
    ...(options.list ? [ApiPageQuery()] : []),
  );
}

/** `cursor` and `limit`, the paging parameters of every list (pages are `{items, next}`). */
export function ApiPageQuery() {
  return applyDecorators(
    ApiQuery({ name: 'cursor', required: false, description: 'The `next` of the previous page' }),
    ApiQuery({
      name: 'limit',
      required: false,
      schema: { type: 'integer', minimum: 1, default: 50 },
      description: `Page size; at most ${MAX_PAGE} are returned`,
    }),
  );
}
