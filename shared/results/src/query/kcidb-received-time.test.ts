// KCIDB objects without timestamps are shown (issue 17: the submitter guide's own minimal
// example was processed but never appeared in trees, test history or hardware, which all
// select by start_time). packflow places them at the time it received them and says so
// (`start_time_source: "received"`); a later submission with the real start_time still
// wins, because the received time is kept in a column of its own and the loader's
// first-non-null merge of `start_time` is left alone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { KcidbSubmissionProcessor } from '../ingest/kcidb-submission.processor.js';
import { KcidbService } from '../kcidb.service.js';
import { toKcidbSubmitters } from '../submit/kcidb-submitters.js';

const TOKEN = 'received-time-token-0123456789';
const logger = createLogger({ name: 'kcidb-received-time-test', level: 'silent', pretty: false });
let testDb: TestDatabase;
let service: KcidbService;
let processor: KcidbSubmissionProcessor;

beforeAll(async () => {
  testDb = await createTestDatabase();
  service = new KcidbService({ db: testDb.pool(), submitters: toKcidbSubmitters({ [TOKEN]: ['myci'] }), logger });
  processor = new KcidbSubmissionProcessor(testDb.pool(), logger);
});
afterAll(async () => {
  await testDb.drop();
});

/**
 * The KCIDB submitter guide's minimal example (../shared/fixtures/kcidb/example-minimal.json),
 * its test given a compatible string so the hardware listing has something to name.
 */
const minimal = {
  version: { major: 5, minor: 3 },
  checkouts: [
    {
      id: 'myci:c9c9735c46f5',
      origin: 'myci',
      git_repository_url: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
      git_commit_hash: 'c9c9735c46f589b9877b7fc00c89ef1b61a31e18',
      patchset_hash: '',
    },
  ],
  builds: [
    {
      id: 'myci:build-1',
      origin: 'myci',
      checkout_id: 'myci:c9c9735c46f5',
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    },
  ],
  tests: [
    {
      id: 'myci:test-1',
      origin: 'myci',
      build_id: 'myci:build-1',
      path: 'ltp.sem01',
      status: 'PASS',
      environment: { compatible: ['qemu,x86_64'] },
    },
  ],
};

async function submitAndLoad(report: unknown): Promise<void> {
  const { id } = await service.submit(`Bearer ${TOKEN}`, report);
  expect(await processor.processSubmission(id)).toMatchObject({ status: 'processed' });
}

const hardwareTests = async (query: Record<string, string> = {}) =>
  ((await service.hardware(query)).items as { hardware: string; tests: { pass: number } }[]).find(
    (h) => h.hardware === 'qemu,x86_64',
  )?.tests;

describe('KCIDB objects without start_time', () => {
  it('are shown at the time packflow received them, and the answers say so', async () => {
    const before = Date.now();
    await submitAndLoad(minimal);
    const received = (t: unknown) => {
      const ms = new Date(t as string).getTime();
      return ms >= before - 1000 && ms <= Date.now() + 1000;
    };

    const trees = await service.trees({ origin: 'myci' });
    expect(trees.items).toHaveLength(1);
    expect(trees.items[0]).toMatchObject({ checkout_id: 'myci:c9c9735c46f5', start_time_source: 'received' });
    expect(received(trees.items[0].start_time)).toBe(true);
    expect(trees.items[0].tests).toMatchObject({ pass: 1, total: 1 });

    const history = await service.testHistory({ path: 'ltp.sem01' });
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ id: 'myci:test-1', status: 'PASS', start_time_source: 'received' });
    expect(received(history.items[0].start_time)).toBe(true);

    expect(await hardwareTests()).toMatchObject({ pass: 1 });
    const details = await service.hardwareResults({ hardware: 'qemu,x86_64' });
    expect(details.items).toMatchObject([{ id: 'myci:test-1', start_time_source: 'received' }]);

    const revision = await service.revision({ commit: 'c9c9735c46f589b9877b7fc00c89ef1b61a31e18' });
    expect(revision.checkouts).toMatchObject([{ id: 'myci:c9c9735c46f5', start_time_source: 'received' }]);
    expect(revision.items).toMatchObject([{ id: 'myci:build-1', start_time_source: 'received' }]);
  });

  it('move to their real start_time when a later submission brings it', async () => {
    const real = new Date(Date.now() - 3 * 24 * 3600_000).toISOString();
    await submitAndLoad({
      version: { major: 5, minor: 3 },
      checkouts: [{ id: 'myci:c9c9735c46f5', origin: 'myci', start_time: real }],
      tests: [{ id: 'myci:test-1', origin: 'myci', build_id: 'myci:build-1', start_time: real }],
    });
    const lastDay = { from: new Date(Date.now() - 24 * 3600_000).toISOString() };
    expect((await service.trees({ origin: 'myci', ...lastDay })).items).toEqual([]);
    expect((await service.testHistory({ path: 'ltp.sem01', ...lastDay })).items).toEqual([]);
    // The hourly rollup followed the row to its new hour.
    expect(await hardwareTests(lastDay)).toBeUndefined();
    expect(await hardwareTests()).toMatchObject({ pass: 1 });

    const trees = await service.trees({ origin: 'myci' });
    expect(trees.items).toMatchObject([
      { checkout_id: 'myci:c9c9735c46f5', start_time: real, start_time_source: 'report' },
    ]);
    expect((await service.testHistory({ path: 'ltp.sem01' })).items).toMatchObject([
      { id: 'myci:test-1', start_time: real, start_time_source: 'report' },
    ]);
    // The first submission's other fields stay: only what was missing was filled in.
    expect(trees.items[0]).toMatchObject({ git_commit_hash: 'c9c9735c46f589b9877b7fc00c89ef1b61a31e18' });
  });
});
