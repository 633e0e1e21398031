// Each KCIDB query on a tests table of 100,000 rows (100 days of results): PostgreSQL's
// plan reaches the tests (trees: the per-build rollups) through an index, never by reading
// the whole table, for the first page and for a page after a cursor (whose keyset bound is
// an index condition where an index has the list's order).
import type { Database } from '@packflow/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import {
  parseHardwareParams,
  parseHardwareResultsParams,
  parsePathRollupParams,
  parseRevisionParams,
  parseTestHistoryParams,
  parseTreesParams,
} from './kcidb-query.params.js';
import { kcidbQueries } from './kcidb-query.repository.js';
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
import { fillSample } from './kcidb-sample.fixture.js';

const now = new Date('2026-03-10T12:00:00Z');
let testDb: TestDatabase;
let db: Database;
let commit: string;
/** The cursor after the first page of 1 of each list. */
const after: Record<string, string | null> = {};

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
  await fillSample(db, { tests: 100_000, days: 100, now });
  ({
    rows: [{ git_commit_hash: commit }],
  } = await db.query<{ git_commit_hash: string }>(
    `select git_commit_hash from shared.kcidb_checkouts where id = 'o0:c0'`,
  ));
  const next = async (page: Promise<{ next: string | null }>) => (await page).next;
  after.trees = await next(kcidbQueries.trees(db, { ...p.trees, limit: 1 }));
  after.revision = await next(kcidbQueries.revision(db, { ...parseRevisionParams({ commit }, now), limit: 1 }));
  after.hardware = await next(kcidbQueries.hardware(db, { ...p.hardware, limit: 1 }));
  after.hardwareResults = await next(kcidbQueries.hardwareResults(db, { ...p.platformResults, limit: 1 }));
  after.history = await next(kcidbQueries.testHistory(db, { ...p.history, limit: 1 }));
  after.rollup = await next(kcidbQueries.pathRollup(db, { ...p.rollup, limit: 1 }));
});
afterAll(async () => {
  await testDb.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

async function plan(sql: string, params: unknown[] | Promise<unknown[]>): Promise<PlanNode[]> {
  const {
    rows: [row],
  } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, await params);
  return nodes(row['QUERY PLAN'][0].Plan);
}

// Parameters as in kcidb-query.repository.ts; `cursor` is null on the first page.
const p = {
  trees: parseTreesParams({}, now),
  hardware: parseHardwareParams({}, now),
  hardwareResults: parseHardwareResultsParams({ hardware: 'acme,board-7' }, now),
  platformResults: parseHardwareResultsParams({ hardware: 'platform-7' }, now),
  history: parseTestHistoryParams({ path: 'ltp.sem01', platform: 'platform-3' }, now),
  rollup: parsePathRollupParams({ build_id: 'o0:b0' }, now),
};

type Cursor = string | null;
/** Parameters of HARDWARE_RESULTS_SQL, with the day keys HARDWARE_PAGE_DAYS_SQL gives. */
const results = async (q: typeof p.hardwareResults, cursor: Cursor): Promise<unknown[]> => {
  const params = [q.hardware, q.from, q.to, null, 51, cursor];
  const {
    rows: [{ keys }],
  } = await db.query<{ keys: string[] }>(HARDWARE_PAGE_DAYS_SQL, params);
  return [...params, ...hardwareHours(q.from, q.to, now), keys];
};
/** A statement and its parameters (the hardware results' are asked of the database first). */
type Query = [string, unknown[] | Promise<unknown[]>];
const sql = {
  trees: (cursor: Cursor) => [TREES_SQL, [p.trees.from, p.trees.to, null, null, 51, cursor]],
  revision: (cursor: Cursor) => [REVISION_SQL, [commit, '', null, null, null, 51, cursor]],
  hardware: (cursor: Cursor) => [
    HARDWARE_SQL,
    [p.hardware.from, p.hardware.to, null, 51, cursor, ...hardwareHours(p.hardware.from, p.hardware.to, now)],
  ],
  hardwareResults: (cursor: Cursor) => [HARDWARE_RESULTS_SQL, results(p.hardwareResults, cursor)],
  platformResults: (cursor: Cursor) => [HARDWARE_RESULTS_SQL, results(p.platformResults, cursor)],
  history: (cursor: Cursor) => [
    TEST_HISTORY_SQL,
    [p.history.path, p.history.from, p.history.to, null, p.history.platform, null, null, null, 51, cursor],
  ],
  rollup: (cursor: Cursor) => [PATH_ROLLUP_SQL, [p.rollup.buildId, null, null, null, null, 51, cursor]],
} satisfies Record<string, (cursor: Cursor) => Query>;

const queries: [string, () => Query][] = [
  ['trees', () => sql.trees(null)],
  ['revision', () => sql.revision(null)],
  ['hardware', () => sql.hardware(null)],
  ['hardware results by compatible', () => sql.hardwareResults(null)],
  ['hardware results by platform', () => sql.platformResults(null)],
  ['test history', () => sql.history(null)],
  ['path rollup', () => sql.rollup(null)],
  ['trees after a cursor', () => sql.trees(after.trees)],
  ['revision after a cursor', () => sql.revision(after.revision)],
  ['hardware after a cursor', () => sql.hardware(after.hardware)],
  ['hardware results after a cursor', () => sql.platformResults(after.hardwareResults)],
  ['test history after a cursor', () => sql.history(after.history)],
  ['path rollup after a cursor', () => sql.rollup(after.rollup)],
];

/** The table a query reads its counts from, when not the tests. */
const READS: Record<string, string> = { trees: 'kcidb_build_rollups', 'trees after a cursor': 'kcidb_build_rollups' };

describe('KCIDB query plans on 100,000 tests', () => {
  it('has the rows it is meant to have', async () => {
    expect((await db.query('select count(*)::int as n from shared.kcidb_tests')).rows).toEqual([{ n: 100_000 }]);
  });

  it.each(queries)('%s reads its rows through an index, with no sequential scan', async (name, query) => {
    const [sql, params] = query();
    const found = await plan(sql, params);
    const table = READS[name] ?? 'kcidb_tests';
    const onTests = found.filter((n) => n['Relation Name'] === table || n['Index Name']?.startsWith(`${table}_`));
    expect(onTests.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    expect(onTests.some((n) => n['Index Name']?.startsWith(`${table}_`))).toBe(true);
  });

  it.each(['trees', 'trees after a cursor'])(
    '%s sums the per-build rollups and never reads the tests',
    async (name) => {
      const [sql, params] = queries.find(([n]) => n === name)![1]();
      expect((await plan(sql, params)).filter((n) => n['Relation Name'] === 'kcidb_tests')).toEqual([]);
    },
  );

  it.each(['hardware results by compatible', 'hardware results by platform', 'hardware results after a cursor'])(
    '%s sums the hardware result rollups and finds its page by the hardware@day index',
    async (name) => {
      const [sql, params] = queries.find(([n]) => n === name)![1]();
      const indexes = new Set((await plan(sql, params)).map((n) => n['Index Name']));
      expect(indexes).toContain('kcidb_hardware_result_rollups_pkey');
      expect(indexes).toContain('kcidb_tests_hardware_day_index');
    },
  );

  it('has a cursor for each list', () => {
    expect(Object.entries(after).filter(([, cursor]) => cursor === null)).toEqual([]);
  });

  it("bounds the index scan by the cursor where the index has the list's order", async () => {
    const conds = async (query: Query) =>
      (await plan(...query)).map((n) => n['Index Cond'] ?? n['Recheck Cond'] ?? '').join('\n');
    // Test history: the time of the cursor's test ends the (backward) scan of a time index.
    expect(await conds(sql.history(after.history))).toMatch(/effective_start_time <= \$\d/);
    // Hardware: whole hours come from the rollups, whose key holds the hardware after the hour.
    expect(await conds(sql.hardware(after.hardware))).toContain(`hardware > '${after.hardware ?? ''}'`);
  });
});
