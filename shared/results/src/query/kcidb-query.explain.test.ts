// Each KCIDB query on a tests table of 100,000 rows (100 days of results): PostgreSQL's
// plan reaches the tests (trees: the per-build rollups) through an index, never by
// reading the whole table.
import type { Database } from '@packflow/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import {
  parseHardwareParams,
  parseHardwareResultsParams,
  parsePathRollupParams,
  parseTestHistoryParams,
  parseTreesParams,
} from './kcidb-query.params.js';
import {
  HARDWARE_RESULTS_SQL,
  HARDWARE_SQL,
  hardwareDayKeys,
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

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
  await fillSample(db, { tests: 100_000, days: 100, now });
  ({
    rows: [{ git_commit_hash: commit }],
  } = await db.query<{ git_commit_hash: string }>(
    `select git_commit_hash from shared.kcidb_checkouts where id = 'o0:c0'`,
  ));
});
afterAll(async () => {
  await testDb.drop();
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodes)];

async function plan(sql: string, params: unknown[]): Promise<PlanNode[]> {
  const {
    rows: [row],
  } = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`, params);
  return nodes(row['QUERY PLAN'][0].Plan);
}

const p = {
  trees: parseTreesParams({}, now),
  hardware: parseHardwareParams({}, now),
  hardwareResults: parseHardwareResultsParams({ hardware: 'acme,board-7' }, now),
  platformResults: parseHardwareResultsParams({ hardware: 'platform-7' }, now),
  history: parseTestHistoryParams({ path: 'ltp.sem01', platform: 'platform-3' }, now),
  rollup: parsePathRollupParams({ build_id: 'o0:b0' }, now),
};

const queries: [string, () => [string, unknown[]]][] = [
  ['trees', () => [TREES_SQL, [p.trees.from, p.trees.to, null, null, 51, 0]]],
  ['revision', () => [REVISION_SQL, [commit, '', null, null, null, 51, 0]]],
  [
    'hardware',
    () => [
      HARDWARE_SQL,
      [p.hardware.from, p.hardware.to, null, 51, 0, ...hardwareHours(p.hardware.from, p.hardware.to, now)],
    ],
  ],
  [
    'hardware results by compatible',
    () => [
      HARDWARE_RESULTS_SQL,
      [
        p.hardwareResults.hardware,
        p.hardwareResults.from,
        p.hardwareResults.to,
        null,
        51,
        0,
        hardwareDayKeys(p.hardwareResults.hardware, p.hardwareResults.from, p.hardwareResults.to),
      ],
    ],
  ],
  [
    'hardware results by platform',
    () => [
      HARDWARE_RESULTS_SQL,
      [
        p.platformResults.hardware,
        p.platformResults.from,
        p.platformResults.to,
        null,
        51,
        0,
        hardwareDayKeys(p.platformResults.hardware, p.platformResults.from, p.platformResults.to),
      ],
    ],
  ],
  [
    'test history',
    () => [
      TEST_HISTORY_SQL,
      [p.history.path, p.history.from, p.history.to, null, p.history.platform, null, null, null, 51, 0],
    ],
  ],
  ['path rollup', () => [PATH_ROLLUP_SQL, [p.rollup.buildId, null, null, null, null, 51, 0]]],
];

/** The table a query reads its counts from, when not the tests. */
const READS: Record<string, string> = { trees: 'kcidb_build_rollups' };

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

  it('trees sums the per-build rollups and never reads the tests', async () => {
    const [sql, params] = queries.find(([name]) => name === 'trees')![1]();
    expect((await plan(sql, params)).filter((n) => n['Relation Name'] === 'kcidb_tests')).toEqual([]);
  });
});
