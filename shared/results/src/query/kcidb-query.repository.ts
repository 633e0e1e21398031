import type { Sql } from '@packflow/core';
import type {
  HardwareParams,
  HardwareResultsParams,
  Page,
  PathRollupParams,
  RevisionParams,
  TestHistoryParams,
  TreesParams,
} from './kcidb-query.params.js';
import {
  HARDWARE_PAGE_DAYS_SQL,
  HARDWARE_RESULTS_SQL,
  HARDWARE_SQL,
  hardwareHours,
  PATH_ROLLUP_SQL,
  REVISION_SQL,
  TEST_HISTORY_SQL,
  TREES_SQL,
} from './kcidb-query.sql.js';

type Row = Record<string, unknown>;

/** One page of a listing, as every /api/v1 list answers: `next` is the cursor of the next page, null on the last. */
export interface PageOf<T = Row> {
  items: T[];
  next: string | null;
}

/** Times as ISO 8601 in UTC whether they came as columns or from JSON built in SQL. */
function normalize(value: unknown, key = ''): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && key.endsWith('_time')) return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map((v) => normalize(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalize(v, k)]));
  }
  return value;
}

/**
 * The page of a query that fetched one row more than asked; `key` names the column that
 * is the cursor of the page after a row.
 */
function paged(rows: unknown[], page: Page, key: string): PageOf {
  const items = rows.slice(0, page.limit).map((r) => normalize(r) as Row);
  return { items, next: rows.length > page.limit ? String(items[items.length - 1][key]) : null };
}

const window = (p: { from: Date | null; to: Date | null }) => ({
  from: p.from?.toISOString() ?? null,
  to: p.to?.toISOString() ?? null,
});

/**
 * The KCIDB read model: each method is one SQL statement (see kcidb-query.sql.ts), but the
 * hardware results, which first asks which days its page reads.
 */
export const kcidbQueries = {
  /** The latest checkout of each origin's tree/branch in the interval, with build, boot and test status counts. */
  async trees(sql: Sql, p: TreesParams) {
    const { rows } = await sql.query(TREES_SQL, [p.from, p.to, p.origin, p.tag, p.limit + 1, p.cursor]);
    return { ...window(p), ...paged(rows, p, 'checkout_id') };
  },

  /** One commit + patchset across origins: its checkouts, a summary, and a page of its builds (`items`) with their test counts. */
  async revision(sql: Sql, p: RevisionParams) {
    const {
      rows: [row],
    } = await sql.query<{
      checkouts: Row[];
      builds_summary: Row;
      tests_summary: Row & { boots: Row; tests: Row };
      builds: Row[];
    }>(REVISION_SQL, [p.commit, p.patchset, p.origin, p.from, p.to, p.limit + 1, p.cursor]);
    return {
      git_commit_hash: p.commit,
      patchset_hash: p.patchset,
      ...window(p),
      checkouts: normalize(row.checkouts) as Row[],
      summary: { builds: row.builds_summary, boots: row.tests_summary.boots, tests: row.tests_summary.tests },
      ...paged(row.builds, p, 'id'),
    };
  },

  /** Hardware seen in the interval (first compatible string, else platform) with pass/fail/inconclusive counts. */
  async hardware(sql: Sql, p: HardwareParams) {
    const { rows } = await sql.query(HARDWARE_SQL, [
      p.from,
      p.to,
      p.origin,
      p.limit + 1,
      p.cursor,
      ...hardwareHours(p.from, p.to),
    ]);
    return { ...window(p), ...paged(rows, p, 'hardware') };
  },

  /** The results of one hardware (tests listing it among their compatibles, or as their platform). */
  async hardwareResults(sql: Sql, p: HardwareResultsParams) {
    const params = [p.hardware, p.from, p.to, p.origin, p.limit + 1, p.cursor];
    const {
      rows: [{ keys }],
    } = await sql.query<{ keys: string[] }>(HARDWARE_PAGE_DAYS_SQL, params);
    const {
      rows: [row],
    } = await sql.query<{ summary: Row; items: Row[] }>(HARDWARE_RESULTS_SQL, [
      ...params,
      ...hardwareHours(p.from, p.to),
      keys,
    ]);
    return { hardware: p.hardware, ...window(p), summary: row.summary, ...paged(row.items, p, 'id') };
  },

  /** The status of one test (path, and optionally platform, config, branch, tree) over time, newest first. */
  async testHistory(sql: Sql, p: TestHistoryParams) {
    const { rows } = await sql.query(TEST_HISTORY_SQL, [
      p.path,
      p.from,
      p.to,
      p.origin,
      p.platform,
      p.config,
      p.branch,
      p.tree,
      p.limit + 1,
      p.cursor,
    ]);
    return {
      path: p.path,
      platform: p.platform,
      config: p.config,
      branch: p.branch,
      tree: p.tree,
      ...window(p),
      ...paged(rows, p, 'id'),
    };
  },

  /** Status counts per path prefix of a build's tests: `boot` summarises `boot.start`, `boot.login`, … */
  async pathRollup(sql: Sql, p: PathRollupParams) {
    const { rows } = await sql.query(PATH_ROLLUP_SQL, [
      p.buildId,
      p.prefix,
      p.origin,
      p.from,
      p.to,
      p.limit + 1,
      p.cursor,
    ]);
    return { build_id: p.buildId, prefix: p.prefix, ...window(p), ...paged(rows, p, 'path') };
  },
};
