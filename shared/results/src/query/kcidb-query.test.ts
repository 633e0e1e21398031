import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { loadKcidbReport } from '../ingest/kcidb-ingest.repository.js';
import { KcidbService } from '../kcidb.service.js';
import { at, DATA_SET, H1, H2, P, T } from './kcidb-query.fixture.js';

let testDb: TestDatabase;
let service: KcidbService;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const db = testDb.pool();
  await db.transaction((tx) => loadKcidbReport(tx, DATA_SET));
  const logger = createLogger({ name: 'kcidb-query-test', level: 'silent', pretty: false });
  service = new KcidbService({ db, submitters: [], logger, now: () => T });
});
afterAll(async () => {
  await testDb.drop();
});

/** Status counts with zeros left out, for short expectations. */
const counts = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));
const none = { fail: 0, error: 0, miss: 0, pass: 0, done: 0, skip: 0, null: 0, total: 0 };

describe('trees', () => {
  it('lists the latest checkout of each tree/branch of each origin in the last week, with status counts', async () => {
    const trees = await service.trees({});
    expect(trees).toMatchObject({ from: at(-7 * 24), to: T.toISOString(), next: null });
    expect(trees.items.map((t) => [t.checkout_id, t.tree_name, t.git_repository_branch, t.origin])).toEqual([
      ['ci_a:c2', 'mainline', 'master', 'ci_a'],
      ['ci_b:c4', 'mainline', 'master', 'ci_b'],
      ['ci_a:c3', 'next', 'main', 'ci_a'],
    ]);
    const [c2, c4, c3] = trees.items as Record<string, Record<string, number>>[];
    expect(counts(c2.builds)).toEqual({ pass: 1, fail: 1, null: 1, total: 3 });
    expect(counts(c2.boots)).toEqual({ pass: 2, fail: 2, total: 4 });
    expect(counts(c2.tests)).toEqual({ pass: 2, fail: 1, skip: 1, error: 1, done: 1, miss: 1, total: 7 });
    expect(counts(c4.builds)).toEqual({ pass: 1, total: 1 });
    expect(counts(c4.boots)).toEqual({ pass: 1, total: 1 });
    expect(counts(c4.tests)).toEqual({ fail: 1, total: 1 });
    expect(counts(c3.builds)).toEqual({ error: 1, total: 1 });
    expect(counts(c3.boots)).toEqual({ pass: 1, total: 1 });
    expect(c3.tests).toEqual(none);
    expect(trees.items[0]).toMatchObject({ git_commit_hash: H2, git_commit_tags: ['v6.2-rc1'], start_time: at(-24) });
  });

  it('filters by origin, by tag and by interval, and pages', async () => {
    expect((await service.trees({ origin: 'ci_b' })).items.map((t) => t.checkout_id)).toEqual(['ci_b:c4']);
    const tagged = await service.trees({ tag: 'v6.1' });
    expect(tagged.items.map((t) => t.checkout_id)).toEqual(['ci_a:c1']);
    expect(counts((tagged.items[0] as Record<string, Record<string, number>>).tests)).toEqual({
      pass: 1,
      fail: 1,
      total: 2,
    });
    const old = await service.trees({ from: at(-40 * 24), to: at(-20 * 24) });
    expect(old.items.map((t) => t.checkout_id)).toEqual(['ci_a:c5']);
    const first = await service.trees({ limit: '2' });
    expect(first.items.map((t) => t.checkout_id)).toEqual(['ci_a:c2', 'ci_b:c4']);
    expect(first.next).toBe('ci_b:c4');
    const second = await service.trees({ limit: '2', cursor: 'ci_b:c4' });
    expect(second.items.map((t) => t.checkout_id)).toEqual(['ci_a:c3']);
    expect(second.next).toBe(null);
  });
});

describe('revision', () => {
  it('gathers one commit + patchset across origins with its builds and their test summaries', async () => {
    const revision = await service.revision({ commit: H2 });
    expect(revision.checkouts.map((c) => c.id)).toEqual(['ci_a:c2', 'ci_b:c4']);
    expect(counts(revision.summary.builds as Record<string, number>)).toEqual({ pass: 2, fail: 1, null: 1, total: 4 });
    expect(counts(revision.summary.boots as Record<string, number>)).toEqual({ pass: 3, fail: 2, total: 5 });
    expect(counts(revision.summary.tests as Record<string, number>)).toEqual({
      pass: 2,
      fail: 2,
      skip: 1,
      error: 1,
      done: 1,
      miss: 1,
      total: 8,
    });
    const builds = revision.items;
    expect(builds.map((b) => [b.id, b.test_status])).toEqual([
      ['ci_a:b1', 'FAIL'],
      ['ci_a:b2', 'FAIL'],
      ['ci_a:b3', null],
      ['ci_b:b4', 'FAIL'],
    ]);
    expect(counts(builds[0].boots as Record<string, number>)).toEqual({ pass: 2, fail: 1, total: 3 });
    expect(counts(builds[0].tests as Record<string, number>)).toEqual({
      pass: 2,
      skip: 1,
      error: 1,
      done: 1,
      total: 5,
    });
    expect(counts(builds[1].tests as Record<string, number>)).toEqual({ fail: 1, miss: 1, total: 2 });
    expect(builds[2].tests).toEqual(none);
  });

  it('keeps patchsets apart, filters by origin and pages the builds', async () => {
    const patched = await service.revision({ commit: H2, patchset: P });
    expect(patched.checkouts.map((c) => c.id)).toEqual(['ci_a:c6']);
    expect(patched.items.map((b) => b.id)).toEqual(['ci_a:b7']);
    expect((await service.revision({ commit: H2, origin: 'ci_b' })).items.map((b) => b.id)).toEqual(['ci_b:b4']);
    expect((await service.revision({ commit: H2, limit: '2' })).next).toBe('ci_a:b2');
    const page = await service.revision({ commit: H2, limit: '2', cursor: 'ci_a:b2' });
    expect(page.items.map((b) => b.id)).toEqual(['ci_a:b3', 'ci_b:b4']);
    expect(page.next).toBe(null);
    const old = await service.revision({ commit: H1, from: at(-7 * 24) });
    expect(old.checkouts.map((c) => c.id)).toEqual(['ci_a:c1']);
  });
});

describe('hardware', () => {
  it('lists the hardware seen in the interval with pass/fail/inconclusive boots and tests', async () => {
    const hardware = await service.hardware({});
    expect(hardware.items).toEqual([
      {
        hardware: 'acme,board-1',
        platforms: ['board1-platform'],
        boots: { pass: 1, fail: 0, inconclusive: 0 },
        tests: { pass: 1, fail: 0, inconclusive: 1 },
      },
      {
        hardware: 'acme,board-2',
        platforms: [],
        boots: { pass: 0, fail: 1, inconclusive: 0 },
        tests: { pass: 0, fail: 0, inconclusive: 1 },
      },
      {
        hardware: 'qemu-x86',
        platforms: ['qemu-x86'],
        boots: { pass: 3, fail: 1, inconclusive: 0 },
        tests: { pass: 1, fail: 2, inconclusive: 2 },
      },
    ]);
    expect((await service.hardware({ origin: 'ci_b' })).items).toEqual([
      {
        hardware: 'qemu-x86',
        platforms: ['qemu-x86'],
        boots: { pass: 1, fail: 0, inconclusive: 0 },
        tests: { pass: 0, fail: 1, inconclusive: 0 },
      },
    ]);
  });

  it("lists one hardware's results, by compatible string or by platform, newest first", async () => {
    const board = await service.hardwareResults({ hardware: 'acme,board-1' });
    expect(board.summary).toEqual({
      boots: { pass: 1, fail: 0, inconclusive: 0 },
      tests: { pass: 1, fail: 0, inconclusive: 1 },
    });
    expect(board.items.map((t) => t.id)).toEqual(['ci_a:t5', 'ci_a:t4', 'ci_a:t12']);
    expect(board.items[1]).toMatchObject({
      build_id: 'ci_a:b1',
      config_name: 'defconfig',
      tree_name: 'mainline',
      git_commit_hash: H2,
    });
    expect((await service.hardwareResults({ hardware: 'acme,soc' })).items.map((t) => t.id)).toEqual(['ci_a:t4']);
    expect((await service.hardwareResults({ hardware: 'board1-platform' })).items.map((t) => t.id)).toEqual([
      'ci_a:t5',
    ]);
    const qemu = await service.hardwareResults({ hardware: 'qemu-x86', limit: '5' });
    expect(qemu.summary).toEqual({
      boots: { pass: 3, fail: 1, inconclusive: 0 },
      tests: { pass: 1, fail: 2, inconclusive: 2 },
    });
    expect(qemu.items).toHaveLength(5);
    expect(qemu.next).toBe(qemu.items[4].id);
  });
});

describe('test history', () => {
  it('follows one test on one platform over time, newest first', async () => {
    const history = await service.testHistory({ path: 'ltp.sem01', platform: 'qemu-x86' });
    expect(history.items.map((t) => [t.id, t.status])).toEqual([
      ['ci_b:t10', 'FAIL'],
      ['ci_c:t11', 'DONE'],
      ['ci_a:t14', 'FAIL'],
      ['ci_a:t13', 'PASS'],
    ]);
    expect((await service.testHistory({ path: 'ltp.sem01' })).items).toHaveLength(6);
    // platform falls back to the first compatible string
    expect((await service.testHistory({ path: 'ltp.sem01', platform: 'acme,board-2' })).items.map((t) => t.id)).toEqual(
      ['ci_a:t8'],
    );
  });

  it('narrows by config, branch, tree, origin and interval', async () => {
    const q = { path: 'ltp.sem01', platform: 'qemu-x86' };
    expect((await service.testHistory({ ...q, config: 'defconfig', branch: 'master' })).items.map((t) => t.id)).toEqual(
      ['ci_b:t10', 'ci_c:t11', 'ci_a:t13'],
    );
    expect((await service.testHistory({ ...q, tree: 'next' })).items).toEqual([]);
    expect((await service.testHistory({ ...q, origin: 'ci_a' })).items.map((t) => t.id)).toEqual([
      'ci_a:t14',
      'ci_a:t13',
    ]);
    expect((await service.testHistory({ ...q, from: at(-40 * 24) })).items.map((t) => t.id).at(-1)).toBe('ci_a:t15');
  });
});

describe('path rollup', () => {
  it('counts the tests of a build under every path prefix, with the summary status', async () => {
    const rollup = await service.pathRollup({ build_id: 'ci_a:b1' });
    const rows = rollup.items.map((r) => [r.path, r.depth, r.status, (r.counts as Record<string, number>).total]);
    expect(rows).toEqual([
      ['', 0, 'FAIL', 8],
      ['boot', 1, 'FAIL', 3],
      ['boot.login', 2, 'FAIL', 1],
      ['boot.start', 2, 'PASS', 1],
      ['kselftest', 1, 'ERROR', 1],
      ['kselftest.net', 2, 'ERROR', 1],
      ['kselftest.net.ip', 3, 'ERROR', 1],
      ['ltp', 1, 'PASS', 4],
      ['ltp.sem01', 2, 'PASS', 2],
      ['ltp.sem02', 2, 'SKIP', 1],
      ['ltp.sem03', 2, 'PASS', 1],
    ]);
    expect(counts(rollup.items[0].counts as Record<string, number>)).toEqual({
      pass: 4,
      fail: 1,
      skip: 1,
      error: 1,
      done: 1,
      total: 8,
    });
    expect(counts(rollup.items[7].counts as Record<string, number>)).toEqual({ pass: 2, skip: 1, done: 1, total: 4 });
  });

  it('limits to a prefix, an origin, and pages', async () => {
    expect((await service.pathRollup({ build_id: 'ci_a:b1', prefix: 'boot' })).items.map((r) => r.path)).toEqual([
      'boot',
      'boot.login',
      'boot.start',
    ]);
    const other = await service.pathRollup({ build_id: 'ci_a:b1', prefix: 'ltp', origin: 'ci_c' });
    expect(other.items.map((r) => [r.path, r.status])).toEqual([
      ['ltp', 'DONE'],
      ['ltp.sem01', 'DONE'],
    ]);
    const page = await service.pathRollup({ build_id: 'ci_a:b1', limit: '3' });
    expect(page.items.map((r) => r.path)).toEqual(['', 'boot', 'boot.login']);
    expect(page.next).toBe('boot.login');
  });
});

describe('query parameters', () => {
  it('refuses bad and unknown parameters, naming each', async () => {
    await expect(service.trees({ limit: '0', from: 'yesterday', colour: 'red' })).rejects.toMatchObject({
      code: 'validation_failed',
      details: {
        errors: expect.arrayContaining([
          { pointer: '/limit', message: expect.stringContaining('an integer from 1') },
          { pointer: '/from', message: expect.stringContaining('ISO 8601') },
          { pointer: '/colour', message: expect.stringContaining('not a parameter') },
        ]),
      },
    });
    await expect(service.revision({})).rejects.toMatchObject({
      details: { errors: [{ pointer: '/commit', message: 'is required' }] },
    });
    await expect(service.pathRollup({ build_id: 'nope' })).rejects.toMatchObject({ code: 'validation_failed' });
  });
});
