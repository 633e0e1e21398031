// Path and query parameters of the /api/v1 routes, checked before any query runs: a bad one
// is a 400 naming it (`errors[].pointer` is `/<parameter>`), never a database error.
import { LIMIT_RULE, parseLimit, ValidationError } from '@packflow/core';

const ID = /^[1-9][0-9]{0,17}$/;

function invalid(name: string, message: string): ValidationError {
  return new ValidationError(`invalid parameter ${name}: ${message}`, { errors: [{ pointer: `/${name}`, message }] });
}

/** A row id (a positive integer that fits a bigint). */
export function parseId(value: string | undefined, name = 'id'): string {
  if (!value || !ID.test(value)) throw invalid(name, 'must be a positive integer id');
  return value;
}

export interface PageQuery {
  cursor?: string;
  limit?: number;
}

/** `cursor` (the `next` of the previous page) and `limit` (1 or more; above MAX_PAGE counts as MAX_PAGE). */
export function parsePage(query: Readonly<Record<string, unknown>>): PageQuery {
  const page: PageQuery = {};
  if (query.cursor !== undefined) page.cursor = parseId(String(query.cursor), 'cursor');
  if (query.limit !== undefined) {
    const limit = parseLimit(String(query.limit));
    if (limit === null) throw invalid('limit', LIMIT_RULE);
    page.limit = limit;
  }
  return page;
}

/** An optional text filter; at most 200 characters. */
export function parseText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(name, 'must be given once');
  if (value.length > 200) throw invalid(name, 'must be at most 200 characters');
  return value;
}
