// OpenAPI description of the KCIDB result queries: the filters every one takes (origin,
// interval, offset paging), the query's own parameters, and the one error body.
import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery } from '@nestjs/swagger';
import { ErrorBody } from '../api/api.schemas.js';

type Param = string | { description: string; required: boolean };

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
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }),
    ApiQuery({ name: 'offset', required: false, schema: { type: 'integer', minimum: 0, maximum: 100000, default: 0 } }),
    ApiOkResponse({ schema: { type: 'object', additionalProperties: true }, description: summary }),
    ApiBadRequestResponse({ type: ErrorBody, description: 'A parameter is invalid or unknown; `errors` names it' }),
  );
}
