// The hardware listing and the hardware results sum hourly rollups kept by triggers, and
// count the partial hours at the ends of their interval from the tests, or as their rollup
// less the tests outside the interval; the results page reads only the newest days the
// rollups say it needs. Checked against counting and listing every test directly, for
// intervals that start and end anywhere (and the default one, whose last hour is the
// current, partial one), after inserts, re-submissions that fill a status later, and deletes.
import type { Database } from '@packflow/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { loadKcidbReport } from '../ingest/kcidb-ingest.repository.js';
import type { KcidbReport } from '../report/kcidb-report.types.js';
import { parseHardwareParams, parseHardwareResultsParams } from './kcidb-query.params.js';
import { kcidbQueries } from './kcidb-query.repository.js';

const T0 = Date.parse('2026-11-10T00:00:00Z');
const STATUSES = ['PASS', 'FAIL', 'ERROR', 'SKIP', undefined] as const;

let testDb: TestDatabase;
let db: Database;

/**
 * 600 tests, one every 7 minutes and 13 seconds from T0, on 6 hardware of 2 origins: the
 * boards list `acme,soc` second, a tenth of the platforms is also their compatible string.
 */
function report(withStatus: boolean): KcidbReport {
  const tests = Array.from({ length: 600 }, (_, i) => {
    const origin = i % 3 ? 'ci_a' : 'ci_b';
    const status = withStatus ? (STATUSES[i % 4] as 'PASS') : STATUSES[i % 5];
    return {
      id: `${origin}:t${i}`,
      origin,
      build_id: `${origin}:b${i % 4}`,
      path: i % 4 === 0 ? 'boot' : `ltp.case${i % 9}`,
      start_time: new Date(T0 + i * 433_000).toISOString(),
      ...(status ? { status } : {}),
      environment:
        i % 2
          ? { compatible: [`acme,board-${i % 3}`, 'acme,soc'] }
          : { misc: { platform: `qemu-${i % 3}` }, ...(i % 10 === 0 ? { compatible: [`qemu-${i % 3}`] } : {}) },
    };
  });
  return { version: { major: 5, minor: 3 }, tests };
}

/** The listing as counting every test of the interval gives it. */
async function counted(from: Date, to: Date, origin: string | null) {
  const rows = (
    await db.query<{
      hardware: string;
      platforms: string[];
      boots: Record<string, number>;
      tests: Record<string, number>;
    }>(
      `select hardware,
       coalesce(array_agg(distinct platform) filter (where platform is not null), '{}') as platforms,
       json_build_object('pass', count(*) filter (where is_boot and status = 'PASS'), 'fail', count(*) filter (where is_boot and status = 'FAIL'),
         'inconclusive', count(*) filter (where is_boot and status is distinct from 'PASS' and status is distinct from 'FAIL')) as boots,
       json_build_object('pass', count(*) filter (where not is_boot and status = 'PASS'), 'fail', count(*) filter (where not is_boot and status = 'FAIL'),
         'inconclusive', count(*) filter (where not is_boot and status is distinct from 'PASS' and status is distinct from 'FAIL')) as tests
     from shared.kcidb_tests
     where effective_start_time >= $1 and effective_start_time < $2 and ($3::text is null or origin = $3) and hardware is not null
     group by hardware order by hardware`,
      [from, to, origin],
    )
  ).rows;
  return rows;
}

/** 40 tests received now, without a start time: the current, partial hour. */
function current(): KcidbReport {
  const tests = Array.from({ length: 40 }, (_, i) => ({
    id: `ci_b:now${i}`,
    origin: 'ci_b',
    build_id: 'ci_b:b0',
    path: i % 4 ? 'ltp.now' : 'boot',
    status: STATUSES[i % 4] as 'PASS',
    environment: i % 2 ? { compatible: ['acme,board-1', 'acme,soc'] } : { misc: { platform: 'qemu-0' } },
  }));
  return { version: { major: 5, minor: 3 }, tests };
}

const WINDOWS: [string, string][] = [
  ['2026-11-10T00:00:00Z', '2026-11-12T00:00:00Z'], // everything, whole hours
  ['2026-11-10T03:17:41Z', '2026-11-11T09:02:05Z'], // both ends mid-hour
  ['2026-11-10T05:00:00Z', '2026-11-10T21:30:00Z'], // whole start, partial end
  ['2026-11-10T07:10:00Z', '2026-11-10T07:50:00Z'], // inside one hour
  ['2026-11-10T07:59:59.999Z', '2026-11-10T08:00:00.001Z'], // across one hour boundary
  ['2026-11-11T12:00:00Z', '2026-11-11T13:00:00Z'], // exactly one hour
  ['2026-11-10T01:50:00Z', '2026-11-11T04:45:00Z'], // late start, late end (the end's hour less its rest)
  ['2026-11-10T02:05:00Z', '2099-01-01T00:20:00Z'], // early start (its hour less its beginning), to in the future
];

/** The per-build rollups hold, for every build, boot or not and status, the count of its tests. */
async function expectBuildRollupsMatch(): Promise<void> {
  const grouped = async (sql: string) => (await db.query(`${sql} order by 1, 2, 3`)).rows;
  expect(
    await grouped(`select build_id, is_boot, status, n::int from shared.kcidb_build_rollups where n <> 0`),
  ).toEqual(
    await grouped(
      `select build_id, is_boot, coalesce(status, '') as status, count(*)::int as n from shared.kcidb_tests group by 1, 2, 3`,
    ),
  );
}

/** The results of `hardware` as counting and listing every test of the interval gives them. */
async function listed(hardware: string, from: Date, to: Date, origin: string | null) {
  const { rows } = await db.query<{ id: string; is_boot: boolean; status: string | null }>(
    `select id, is_boot, status from shared.kcidb_tests
      where effective_start_time >= $2 and effective_start_time < $3 and ($4::text is null or origin = $4)
        and (environment_compatible @> array[$1] or platform = $1)
      order by effective_start_time desc, id desc`,
    [hardware, from, to, origin],
  );
  const count = (boot: boolean) => {
    const of = rows.filter((r) => r.is_boot === boot);
    const pass = of.filter((r) => r.status === 'PASS').length;
    const fail = of.filter((r) => r.status === 'FAIL').length;
    return { pass, fail, inconclusive: of.length - pass - fail };
  };
  return { summary: { boots: count(true), tests: count(false) }, ids: rows.map((r) => r.id) };
}

/** Hardware named second among compatible strings, as platform (and compatible), and first compatible of one origin. */
const RESULTS: [string, string | null][] = [
  ['acme,soc', null],
  ['qemu-0', null],
  ['acme,board-1', 'ci_b'],
];

/** Every page of the hardware results (50 tests a page), followed by their cursors. */
async function resultPages(query: Record<string, string>) {
  const ids: unknown[] = [];
  const summaries = new Set<string>();
  let cursor: string | null = null;
  do {
    const page = await kcidbQueries.hardwareResults(
      db,
      parseHardwareResultsParams({ ...query, limit: '50', ...(cursor ? { cursor } : {}) }),
    );
    ids.push(...page.items.map((t) => t.id));
    summaries.add(JSON.stringify(page.summary));
    cursor = page.next;
  } while (cursor);
  return { summary: [...summaries].map((s) => JSON.parse(s) as unknown), ids };
}

async function expectResultsMatch(): Promise<void> {
  const now = new Date();
  const windows: [string, string][] = [
    ...WINDOWS,
    [new Date(now.getTime() - 7 * 86_400_000).toISOString(), now.toISOString()],
  ];
  for (const [hardware, origin] of RESULTS) {
    for (const [from, to] of windows) {
      const expected = await listed(hardware, new Date(from), new Date(to), origin);
      expect({
        hardware,
        from,
        to,
        origin,
        ...(await resultPages({ hardware, from, to, ...(origin ? { origin } : {}) })),
      }).toEqual({
        hardware,
        from,
        to,
        origin,
        summary: [expected.summary],
        ids: expected.ids,
      });
    }
  }
}

async function expectListingsMatch(): Promise<void> {
  await expectBuildRollupsMatch();
  await expectResultsMatch();
  for (const [from, to] of WINDOWS) {
    for (const origin of [null, 'ci_b']) {
      const params = parseHardwareParams({ from, to, ...(origin ? { origin } : {}) });
      const listed = await kcidbQueries.hardware(db, params);
      expect({ from, to, origin, items: listed.items }).toEqual({
        from,
        to,
        origin,
        items: await counted(new Date(from), new Date(to), origin),
      });
    }
  }
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
  await db.transaction((tx) => loadKcidbReport(tx, report(false)));
  await db.transaction((tx) => loadKcidbReport(tx, current()));
});
afterAll(async () => {
  await testDb.drop();
});

describe('the hardware listing and results over hourly rollups (and the per-build rollups)', () => {
  it('matches counting every test, for intervals starting and ending anywhere', async () => {
    const {
      rows: [{ n }],
    } = await db.query<{ n: number }>('select count(*)::int as n from shared.kcidb_hardware_rollups');
    expect(n).toBeGreaterThan(0);
    await expectListingsMatch();
  });

  it('still matches after a second submission fills the statuses left null', async () => {
    const {
      rows: [{ before }],
    } = await db.query<{ before: number }>(
      `select count(*)::int as before from shared.kcidb_tests where status is null`,
    );
    expect(before).toBeGreaterThan(0);
    // The same tests again (nothing new), then with their statuses.
    await db.transaction((tx) => loadKcidbReport(tx, report(false)));
    await db.transaction((tx) => loadKcidbReport(tx, report(true)));
    await db.transaction((tx) => loadKcidbReport(tx, current()));
    const {
      rows: [{ after }],
    } = await db.query<{ after: number }>(`select count(*)::int as after from shared.kcidb_tests where status is null`);
    expect(after).toBe(0);
    await expectListingsMatch();
  });

  it('still matches after tests are deleted, and the rollup sums to the counted tests', async () => {
    await db.query(`delete from shared.kcidb_tests where id like 'ci_b:%' and start_time < '2026-11-10T12:00:00Z'`);
    await expectListingsMatch();
    const {
      rows: [sums],
    } = await db.query<{ rolled: number; tests: number }>(
      `select (select sum(n)::int from shared.kcidb_hardware_rollups) as rolled,
              (select count(*)::int from shared.kcidb_tests where hardware is not null) as tests`,
    );
    expect(sums.rolled).toBe(sums.tests);
    const {
      rows: [results],
    } = await db.query<{ rolled: number; named: number }>(
      `select (select sum(n)::int from shared.kcidb_hardware_result_rollups) as rolled,
              (select sum((select count(distinct h) from unnest(environment_compatible || platform) h where h is not null))::int
                 from shared.kcidb_tests) as named`,
    );
    expect(results.rolled).toBe(results.named);
  });
});
