// Keyset paging of the KCIDB lists on the hand-made data set: walking a list page by page
// gives each row once, in the order of the whole list; a row stored ahead of the cursor
// between two page fetches changes nothing on the following pages.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, MAX_PAGE, type Database } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { loadKcidbReport } from '../ingest/kcidb-ingest.repository.js';
import type { KcidbReport } from '../report/kcidb-report.types.js';
import { KcidbService } from '../kcidb.service.js';
import { at, DATA_SET, H2, T } from './kcidb-query.fixture.js';

let testDb: TestDatabase;
let db: Database;
let service: KcidbService;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
  await db.transaction((tx) => loadKcidbReport(tx, DATA_SET));
  const logger = createLogger({ name: 'kcidb-paging-test', level: 'silent', pretty: false });
  service = new KcidbService({ db, submitters: [], logger, now: () => T });
});
afterAll(async () => {
  await testDb.drop();
});

type Query = Record<string, string>;
type List = { items: Record<string, unknown>[]; next: string | null };
type Fetch = (query: Query) => Promise<List>;

/** The keys of a list's items, following `next` from `first` (or from the first page) to the end. */
async function walk(fetch: Fetch, key: string, limit: number, first?: List): Promise<string[]> {
  const keys: string[] = [];
  let page = first ?? (await fetch({ limit: String(limit) }));
  for (;;) {
    keys.push(...page.items.map((item) => String(item[key])));
    if (page.next === null) return keys;
    expect(page.items).toHaveLength(limit);
    page = await fetch({ limit: String(limit), cursor: page.next });
  }
}

const test = (id: string, build: string, path: string, hours: number, env: Record<string, unknown>) => ({
  id,
  origin: id.split(':')[0],
  build_id: build,
  path,
  status: 'PASS' as const,
  start_time: at(hours),
  environment: env,
});

/** Each list, its key, and an object that sorts before everything on its first page of 2. */
const lists: [string, Fetch, string, Omit<KcidbReport, 'version'>][] = [
  [
    'trees',
    (q) => service.trees(q),
    'checkout_id',
    { checkouts: [{ id: 'ci_a:c-aaa', origin: 'ci_a', tree_name: 'aaa', start_time: at(-2) }] },
  ],
  [
    'revision builds',
    (q) => service.revision({ commit: H2, ...q }),
    'id',
    { builds: [{ id: 'ci_a:b0', origin: 'ci_a', checkout_id: 'ci_a:c2', status: 'PASS' }] },
  ],
  [
    'hardware',
    (q) => service.hardware(q),
    'hardware',
    { tests: [test('ci_a:t-aaa', 'ci_a:b1', 'ltp.aaa', -2, { compatible: ['aaa,board'] })] },
  ],
  [
    'hardware results',
    (q) => service.hardwareResults({ hardware: 'qemu-x86', ...q }),
    'id',
    { tests: [test('ci_a:t-new-qemu', 'ci_a:b1', 'ltp.new', -0.01, { misc: { platform: 'qemu-x86' } })] },
  ],
  [
    'test history',
    (q) => service.testHistory({ path: 'ltp.sem01', ...q }),
    'id',
    { tests: [test('ci_a:t-new-sem01', 'ci_a:b1', 'ltp.sem01', -0.01, { misc: { platform: 'qemu-x86' } })] },
  ],
  [
    'path rollup',
    (q) => service.pathRollup({ build_id: 'ci_a:b1', ...q }),
    'path',
    { tests: [test('ci_a:t-aardvark', 'ci_a:b1', 'aardvark', -2, {})] },
  ],
];

describe('KCIDB lists page by cursor', () => {
  it.each(lists)('%s: pages of 1 walk every row once, in the order of the whole list', async (_, fetch, key) => {
    const whole = (await fetch({})).items.map((item) => String(item[key]));
    expect(whole.length).toBeGreaterThan(2);
    expect(new Set(whole).size).toBe(whole.length);
    expect(await walk(fetch, key, 1)).toEqual(whole);
  });

  // Runs after the walks above: each case stores its object, which later cases' lists may show.
  it.each(lists)(
    '%s: a row stored ahead of the cursor between two fetches neither repeats nor skips a row',
    async (_, fetch, key, ahead) => {
      const before = (await fetch({})).items.map((item) => String(item[key]));
      const first = await fetch({ limit: '2' });
      expect(first.next).toBe(before[1]);
      await db.transaction((tx) => loadKcidbReport(tx, { version: { major: 5, minor: 3 }, ...ahead }));
      const after = (await fetch({})).items.map((item) => String(item[key]));
      expect(after).toHaveLength(before.length + 1);
      expect(after.indexOf(before[1])).toBe(2);
      expect(await walk(fetch, key, 2, first)).toEqual(before);
    },
  );

  it('counts a limit above the largest page as the largest page', async () => {
    expect(await service.pathRollup({ build_id: 'ci_a:b1', limit: String(MAX_PAGE * 10) })).toMatchObject({
      next: null,
    });
  });

  it('refuses a cursor that is not a key of the list, naming it', async () => {
    await expect(service.testHistory({ path: 'ltp.sem01', cursor: 'no-origin' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: { errors: [{ pointer: '/cursor', message: expect.stringContaining('an object id') }] },
    });
  });
});
