import type { QueryResultRow } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger, type Database } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import type { KcidbReport } from '../report/kcidb-report.types.js';
import { loadKcidbReport } from './kcidb-ingest.repository.js';
import { KcidbSubmissionProcessor, type ProcessOutcome } from './kcidb-submission.processor.js';
import { submissions } from './kcidb-submission.repository.js';

let testDb: TestDatabase;
let db: Database;
let processor: KcidbSubmissionProcessor;
const logger = createLogger({ name: 'kcidb-ingest-test', level: 'silent', pretty: false });

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.pool();
  processor = new KcidbSubmissionProcessor(db, logger);
});
afterAll(async () => {
  await testDb.drop();
});

const report = (parts: Omit<KcidbReport, 'version'>): KcidbReport => ({ version: { major: 5, minor: 3 }, ...parts });
const one = async <T extends QueryResultRow>(text: string, params: unknown[] = []) =>
  (await db.query<T>(text, params)).rows[0];
let seq = 0;
const fresh = (prefix: string) => `${prefix}_${++seq}`;

async function store(body: unknown): Promise<string> {
  const id = crypto.randomUUID();
  await submissions.insert(db, id, ['myci'], JSON.stringify(body));
  return id;
}

describe('loading KCIDB reports', () => {
  it('fills only null columns on a second submission of the same ids and keeps the newest _timestamp', async () => {
    const c = `myci:${fresh('c')}`;
    const t = `myci:${fresh('t')}`;
    await db.transaction((tx) =>
      loadKcidbReport(
        tx,
        report({
          checkouts: [{ id: c, origin: 'myci', tree_name: 'mainline', git_commit_tags: ['v1'] }],
          tests: [{ id: t, origin: 'myci', build_id: 'myci:b', path: 'boot', environment: { compatible: ['a,b'] } }],
        }),
      ),
    );
    const first = await one<{ _timestamp: string }>('select "_timestamp" from shared.kcidb_tests where id = $1', [t]);

    await db.transaction((tx) =>
      loadKcidbReport(
        tx,
        report({
          checkouts: [
            { id: c, origin: 'myci', tree_name: 'next', git_repository_branch: 'master', git_commit_tags: ['v2'] },
          ],
          tests: [
            {
              id: t,
              origin: 'myci',
              build_id: 'myci:other',
              path: 'boot.start',
              status: 'FAIL',
              environment: { compatible: ['c,d'], misc: { platform: 'qemu' } },
              number: { value: 1.5, unit: 's', prefix: 'metric' },
            },
          ],
        }),
      ),
    );
    expect(
      await one('select tree_name, git_repository_branch, git_commit_tags from shared.kcidb_checkouts where id = $1', [
        c,
      ]),
    ).toEqual({
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_commit_tags: ['v1'],
    });
    const test = await one<Record<string, unknown> & { _timestamp: string }>(
      `select build_id, path, status, environment_compatible, environment_misc, number_value, number_unit, number_prefix, "_timestamp"
       from shared.kcidb_tests where id = $1`,
      [t],
    );
    expect(test).toMatchObject({
      build_id: 'myci:b',
      path: 'boot',
      status: 'FAIL',
      environment_compatible: ['a,b'],
      environment_misc: { platform: 'qemu' },
      number_value: 1.5,
      number_unit: 's',
      number_prefix: 'metric',
    });
    expect(new Date(test._timestamp).getTime()).toBeGreaterThan(new Date(first._timestamp).getTime());
  });

  it('merges objects repeated within one report the same way (the first value of each field wins)', async () => {
    const b = `myci:${fresh('b')}`;
    const counts = await db.transaction((tx) =>
      loadKcidbReport(
        tx,
        report({
          builds: [
            { id: b, origin: 'myci', checkout_id: 'myci:c1', architecture: 'x86_64' },
            {
              id: b,
              origin: 'myci',
              checkout_id: 'myci:c2',
              architecture: 'arm64',
              config_name: 'defconfig',
              status: 'PASS',
            },
          ],
        }),
      ),
    );
    expect(counts.builds).toBe(1);
    expect(
      await one('select checkout_id, architecture, config_name, status from shared.kcidb_builds where id = $1', [b]),
    ).toEqual({
      checkout_id: 'myci:c1',
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    });
  });

  it('accepts objects whose parents were never submitted, and keeps each issue version apart', async () => {
    const t = `myci:${fresh('t')}`;
    const i = `myci:${fresh('i')}`;
    await db.transaction((tx) =>
      loadKcidbReport(
        tx,
        report({
          tests: [{ id: t, origin: 'myci', build_id: 'maestro:67d409f9f378f0c5986dc7df', status: 'PASS' }],
          issues: [
            { id: i, origin: 'myci', version: 1, culprit: { code: true }, categories: ['boot.oops'] },
            { id: i, origin: 'myci', version: 2, report_subject: 'fixed' },
          ],
          incidents: [
            { id: `myci:${fresh('x')}`, origin: 'myci', issue_id: i, issue_version: 1, test_id: t, present: true },
          ],
        }),
      ),
    );
    expect(await one('select build_id from shared.kcidb_tests where id = $1', [t])).toEqual({
      build_id: 'maestro:67d409f9f378f0c5986dc7df',
    });
    expect(
      (
        await db.query(
          'select version::int, culprit_code, categories, report_subject from shared.kcidb_issues where id = $1 order by version',
          [i],
        )
      ).rows,
    ).toEqual([
      { version: 1, culprit_code: true, categories: ['boot.oops'], report_subject: null },
      { version: 2, culprit_code: null, categories: null, report_subject: 'fixed' },
    ]);
    expect(await one('select count(*)::int as n from shared.kcidb_incidents where issue_id = $1', [i])).toEqual({
      n: 1,
    });
  });
  it('gives the same rows whether a report is loaded in place or from JavaScript', async () => {
    const rich = (o: string) =>
      report({
        checkouts: [
          {
            id: `${o}:c`,
            origin: o,
            tree_name: 't',
            git_commit_tags: ['v1', 'v2'],
            git_repository_branch_tip: true,
            patchset_files: [{ name: 'p', url: 'https://x.org/p' }],
            start_time: '2024-01-01T10:00:00+02:00',
            misc: { a: [1, { b: 'c' }] },
          },
        ],
        builds: [
          {
            id: `${o}:b`,
            origin: o,
            checkout_id: `${o}:c`,
            duration: 12.25,
            status: 'ERROR',
            input_files: [],
            output_files: [{ name: 'x', url: 'https://x.org/x' }],
          },
        ],
        tests: [
          {
            id: `${o}:t1`,
            origin: o,
            build_id: `${o}:b`,
            path: '',
            environment: { compatible: ['a,b', 'c'], comment: 'lab', misc: { platform: 'p' } },
            number: { value: -1.5e3, unit: 'B', prefix: 'binary' },
          },
          { id: `${o}:t2`, origin: o, build_id: `${o}:b`, environment: {}, number: { value: 0 } },
        ],
        issues: [
          {
            id: `${o}:i`,
            origin: o,
            version: 3,
            culprit: { harness: false },
            categories: ['x.y'],
            report_url: 'https://x.org/i',
          },
        ],
        incidents: [{ id: `${o}:x`, origin: o, issue_id: `${o}:i`, issue_version: 3, present: false }],
      });
    const viaJs = fresh('js');
    await db.transaction((tx) => loadKcidbReport(tx, rich(viaJs)));
    const viaSql = fresh('sql');
    expect(await processor.processSubmission(await store(rich(viaSql)))).toMatchObject({
      status: 'processed',
      counts: { checkouts: 1, builds: 1, tests: 2, issues: 1, incidents: 1 },
    });
    for (const table of ['kcidb_checkouts', 'kcidb_builds', 'kcidb_tests', 'kcidb_issues', 'kcidb_incidents']) {
      const rows = async (o: string) =>
        (
          await db.query<Record<string, unknown>>(`select * from shared.${table} where origin = $1 order by id`, [o])
        ).rows.map((row) =>
          JSON.parse(
            JSON.stringify({
              ...row,
              _timestamp: undefined,
              received_at: undefined,
              effective_start_time: undefined,
            }).replaceAll(o, 'o'),
          ),
        );
      expect(await rows(viaSql)).toEqual(await rows(viaJs));
    }
  });
});

describe('KcidbSubmissionProcessor', () => {
  it('processes a submission once even when asked twice at the same time', async () => {
    const t = `myci:${fresh('t')}`;
    const id = await store(report({ tests: [{ id: t, origin: 'myci', build_id: 'myci:b', status: 'PASS' }] }));
    const outcomes = await Promise.all([processor.processSubmission(id), processor.processSubmission(id)]);
    expect(outcomes.map((o) => o.status)).toEqual(['processed', 'processed']);
    expect(outcomes.filter((o) => o.loaded)).toHaveLength(1);
    expect(await processor.processSubmission(id)).toEqual({ id, status: 'processed', loaded: false });
    expect(
      await one('select status, errors, processed_at is not null as done from shared.kcidb_submissions where id = $1', [
        id,
      ]),
    ).toEqual({
      status: 'processed',
      errors: null,
      done: true,
    });
  });

  it('sweeps ready submissions, oldest first, and leaves finished ones alone', async () => {
    const ids = [
      await store(report({})),
      await store(report({ checkouts: [{ id: `myci:${fresh('c')}`, origin: 'myci' }] })),
    ];
    const swept = await processor.processPending();
    expect(swept.map((o) => o.id)).toEqual(expect.arrayContaining(ids));
    expect(swept.every((o) => o.status === 'processed')).toBe(true);
    expect(await processor.processPending()).toEqual([]);
  });

  it('leaves to their messages the submissions younger than the minimum age', async () => {
    const young = await store(report({}));
    const old = await store(report({}));
    await db.query(`update shared.kcidb_submissions set received_at = now() - interval '2 minutes' where id = $1`, [
      old,
    ]);
    expect((await processor.processPending(100, 60_000)).map((o) => o.id)).toEqual([old]);
    expect((await submissions.state(db, young))?.status).toBe('ready');
    expect((await processor.processPending(100, 0)).map((o) => o.id)).toEqual([young]);
  });

  it('loads a report that repeats ids the slow way, merging the repeats', async () => {
    const t = `myci:${fresh('t')}`;
    const id = await store(
      report({
        tests: [
          { id: t, origin: 'myci', build_id: 'myci:b1', path: 'boot' },
          { id: t, origin: 'myci', build_id: 'myci:b2', status: 'FAIL' },
        ],
      }),
    );
    expect(await processor.processSubmission(id)).toMatchObject({
      status: 'processed',
      loaded: true,
      counts: { tests: 1 },
    });
    expect(await one('select build_id, path, status from shared.kcidb_tests where id = $1', [t])).toEqual({
      build_id: 'myci:b1',
      path: 'boot',
      status: 'FAIL',
    });
  });

  it('marks a stored report that is not valid as failed, with the reason', async () => {
    // Only submit stores reports, after validating them; a bad one can only come from elsewhere.
    const missing = await store({
      version: { major: 5 },
      tests: [{ id: 'myci:t-bad', origin: 'myci', status: 'PASS' }],
    });
    expect(await processor.processSubmission(missing)).toMatchObject({ status: 'failed' });
    const { errors } = await one<{ errors: { message: string }[] }>(
      'select errors from shared.kcidb_submissions where id = $1',
      [missing],
    );
    expect(errors[0].message).toMatch(/build_id/);
    // read the slow way (repeated ids), it is validated again and refused with pointers
    const repeated = await store({
      version: { major: 5 },
      tests: [1, 2].map(() => ({ id: 'myci:t-bad2', origin: 'myci', build_id: 'myci:b', status: 'pass' })),
    });
    expect(await processor.processSubmission(repeated)).toMatchObject({ status: 'failed' });
    const second = await one<{ errors: unknown }>('select errors from shared.kcidb_submissions where id = $1', [
      repeated,
    ]);
    expect(second.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/tests/0/status', message: expect.stringContaining('upper case') },
        { pointer: '/tests/1/status', message: expect.stringContaining('upper case') },
      ]),
    );
  });

  it('marks a report the database refuses as failed with the reason, and loads none of it', async () => {
    const c = `myci:${fresh('c')}`;
    const id = await store(
      report({
        checkouts: [{ id: c, origin: 'myci' }],
        issues: [{ id: `myci:${fresh('i')}`, origin: 'myci', version: 1e20 }],
      }),
    );
    expect(await processor.processSubmission(id)).toMatchObject({ status: 'failed', loaded: false });
    const row = await one<{ status: string; errors: { pointer: string; message: string }[] }>(
      'select status, errors from shared.kcidb_submissions where id = $1',
      [id],
    );
    expect(row.status).toBe('failed');
    expect(row.errors[0].message).toMatch(/out of range/);
    expect(row.errors[0].message).not.toMatch(/insert into/);
    expect(await one('select count(*)::int as n from shared.kcidb_checkouts where id = $1', [c])).toEqual({ n: 0 });
  });

  it('answers not_found for a submission that does not exist', async () => {
    await expect(processor.processSubmission(crypto.randomUUID())).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('KcidbSubmissionProcessor batches', () => {
  /** Asks for `ids` at once of a processor loading one batch at a time: the first loads alone, the rest together. */
  const processTogether = (ids: string[]) => {
    const processor = new KcidbSubmissionProcessor(db, logger, { parallel: 1 });
    return Promise.allSettled(ids.map((id) => processor.processSubmission(id)));
  };
  const outcomes = (settled: PromiseSettledResult<ProcessOutcome>[]) =>
    settled.map((s) => (s.status === 'fulfilled' ? s.value : s.reason));
  const commit = (n: number) => String(n).repeat(40);
  const checkout = (n: number) =>
    store(report({ checkouts: [{ id: `myci:${fresh('c')}`, origin: 'myci', git_commit_hash: commit(n) }] }));
  const loadedRows = async (id: string) =>
    (await db.query('select payload from shared.outbox where msg_id = $1', [`kcidb-loaded-${id}`])).rows;

  it('loads submissions asked for while one loads together, announced in one outbox row with all their commits', async () => {
    const ids = [await checkout(4), await checkout(5), await checkout(6)];
    const together = outcomes(await processTogether(ids));
    expect(together.map((o) => [o.status, o.loaded, o.counts?.checkouts])).toEqual([
      ['processed', true, 1],
      ['processed', true, 2],
      ['processed', true, 2],
    ]);
    expect(await loadedRows(ids[0])).toEqual([
      { payload: { type: 'kcidb.loaded', submissionId: ids[0], commits: [commit(4)] } },
    ]);
    expect(await loadedRows(ids[1])).toEqual([
      { payload: { type: 'kcidb.loaded', submissionId: ids[1], commits: [commit(5), commit(6)] } },
    ]);
    expect(await loadedRows(ids[2])).toEqual([]);
  });

  it('loads a batch whose reports share ids one at a time, so the first non-null value in the order asked wins', async () => {
    const t = `myci:${fresh('t')}`;
    const ids = [
      await store(report({})),
      await store(report({ tests: [{ id: t, origin: 'myci', build_id: 'myci:b1', path: 'boot' }] })),
      await store(report({ tests: [{ id: t, origin: 'myci', build_id: 'myci:b2', path: 'ltp', status: 'FAIL' }] })),
    ];
    expect(outcomes(await processTogether(ids)).map((o) => o.loaded)).toEqual([true, true, true]);
    expect(await one('select build_id, path, status from shared.kcidb_tests where id = $1', [t])).toEqual({
      build_id: 'myci:b1',
      path: 'boot',
      status: 'FAIL',
    });
  });

  it('fails only the report the database refuses; the others of its batch are loaded', async () => {
    const c = `myci:${fresh('c')}`;
    const ids = [
      await store(report({})),
      await store(report({ issues: [{ id: `myci:${fresh('i')}`, origin: 'myci', version: 1e20 }] })),
      await store(report({ checkouts: [{ id: c, origin: 'myci' }] })),
    ];
    expect(outcomes(await processTogether(ids)).map((o) => o.status)).toEqual(['processed', 'failed', 'processed']);
    expect(await one('select count(*)::int as n from shared.kcidb_checkouts where id = $1', [c])).toEqual({ n: 1 });
  });

  it('answers not_found to the caller of a missing submission and loads the rest of its batch', async () => {
    const ids = [await store(report({})), crypto.randomUUID(), await store(report({}))];
    const [first, missing, present] = outcomes(await processTogether(ids));
    expect(missing).toMatchObject({ code: 'not_found' });
    expect([first.status, present.status]).toEqual(['processed', 'processed']);
  });
});
