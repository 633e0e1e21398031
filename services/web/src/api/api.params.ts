// Path and query parameters of the /api/v1 routes, checked before any query runs: a bad one
// is a 400 naming it (`errors[].pointer` is `/<parameter>`), never a database error.
import { MAX_PAGE, ValidationError } from '@packflow/core';

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
    const text = String(query.limit);
    if (!/^[0-9]{1,9}$/.test(text) || Number(text) < 1)
      throw invalid('limit', `must be an integer from 1 (at most ${MAX_PAGE} are returned)`);
    page.limit = Number(text);
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
