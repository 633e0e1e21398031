// OpenAPI description of the KCIDB result queries: the filters every one takes (origin,
// interval), the paging of every /api/v1 list (`cursor`, `limit`; answers hold `items` and
// `next`), the query's own parameters, and the one error body.
import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ApiPageQuery } from '../api/api.decorators.js';
import { ErrorBody, NEXT } from '../api/api.schemas.js';

type Param = string | { description: string; required: boolean };

/** A page of a KCIDB list, with the context the query adds (interval, summary, …). */
const PAGE = {
  type: 'object',
  additionalProperties: true,
  required: ['items', 'next'],
  properties: {
    items: { type: 'array', items: { type: 'object', additionalProperties: true } },
    next: { type: 'string', nullable: true, description: NEXT },
  },
};

export function KcidbQueries(summary: string, params: Record<string, Param>) {
  const own = Object.entries(params).map(([name, p]) =>
    ApiQuery(typeof p === 'string' ? { name, required: false, description: p } : { name, ...p }),
  );
  return applyDecorators(
    ApiOperation({ summary }),
    ...own,
    ApiQuery({ name: 'origin', required: false, description: 'Only objects of this origin' }),
    ApiQuery({
      name: 'from',
      required: false,
      schema: { type: 'string', format: 'date-time' },
      description: 'Interval start (default: a week before `to`)',
    }),
    ApiQuery({
      name: 'to',
      required: false,
      schema: { type: 'string', format: 'date-time' },
      description: 'Interval end (default: now)',
    }),
    ApiPageQuery(),
    ApiOkResponse({ schema: PAGE, description: summary }),
    ApiBadRequestResponse({ type: ErrorBody, description: 'A parameter is invalid or unknown; `errors` names it' }),
  );
}
