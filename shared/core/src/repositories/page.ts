// Keyset pagination shared by the list queries: the page size cap and how a page is cut
// from the rows of a query that fetched one row more than asked.
import type { Page } from './views.types.js';

/** Largest page a list query returns, whatever is asked. */
export const MAX_PAGE = 100;

/** A page size between 1 and MAX_PAGE (50 when not given). */
export const clampLimit = (limit: number | undefined): number => Math.min(Math.max(limit ?? 50, 1), MAX_PAGE);

/** What a `limit` query parameter must be, for the 400 that names it. */
export const LIMIT_RULE = `must be an integer from 1 (at most ${MAX_PAGE} are returned)`;

/**
 * The `limit` query parameter of every list: a whole number from 1, of which at most
 * MAX_PAGE count; null when it is not one (the caller answers 400 with LIMIT_RULE).
 */
export function parseLimit(text: string): number | null {
  return /^[0-9]{1,9}$/.test(text) && Number(text) >= 1 ? clampLimit(Number(text)) : null;
}

/**
 * The page of a list query that also says whether its owner exists: rows `(found, item)`
 * from `owner left join lateral (… limit n + 1)`; null when the owner does not exist.
 */
export function pageOf<T extends { id: string }>(
  rows: readonly { found: boolean; item: T | null }[],
  limit: number,
): Page<T> | null {
  if (rows.length === 0 || !rows[0].found) return null;
  const all = rows.flatMap((r) => (r.item ? [r.item] : []));
  const items = all.slice(0, limit);
  return { items, next: all.length > limit ? items[items.length - 1].id : null };
}
