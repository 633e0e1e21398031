// Conformance of packflow's KCIDB validation with the official kcidb-io schema v5.3 (JSON
// Schema draft-07, run by ajv with standard formats): both must accept and reject the same
// documents — the two examples of the KCIDB submitter guide, variants of them that are
// still valid, and hand-made invalid ones. The examples are then submitted and loaded.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createLogger, type Database } from '@packflow/core';
import { createTestDatabase, sharedFixturesDir, type TestDatabase } from '@packflow/testing';
import { KcidbSubmissionProcessor } from './ingest/kcidb-submission.processor.js';
import { KcidbService } from './kcidb.service.js';
import { validateKcidbReport } from './report/kcidb-report.validator.js';
import { toKcidbSubmitters } from './submit/kcidb-submitters.js';

const dir = join(sharedFixturesDir()!, 'kcidb');
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const minimal = () =>
  read('example-minimal.json') as {
    checkouts: Record<string, unknown>[];
    builds: Record<string, unknown>[];
    tests: Record<string, unknown>[];
  } & Record<string, unknown>;
const hybrid = () => read('example-hybrid.json') as { tests: Record<string, unknown>[] } & Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const official = ajv.compile(read('schema-v5.3.json'));

/** A document made from an example by `change`. */
const variant = <T>(base: () => T, change: (doc: T) => void): T => {
  const doc = base();
  change(doc);
  return doc;
};

const VALID: [string, unknown][] = [
  ['example-minimal.json', minimal()],
  ['example-hybrid.json', hybrid()],
  ['a report with only a version', { version: { major: 5 } }],
  ['version 5.0', { version: { major: 5, minor: 0 } }],
  ['the root path ""', variant(minimal, (d) => (d.tests[0].path = ''))],
  [
    'the platform in environment.misc',
    variant(hybrid, (d) => (d.tests[0].environment = { misc: { platform: 'qemu-x86' }, compatible: ['qcom,sc7180'] })),
  ],
  ['_timestamp metadata on an object', variant(minimal, (d) => (d.builds[0]._timestamp = '2024-01-01T00:00:00Z'))],
  ['null inside misc', variant(minimal, (d) => (d.checkouts[0].misc = { a: null }))],
  ['an empty architecture', variant(minimal, (d) => (d.builds[0].architecture = ''))],
  ['a sha256 patchset hash', variant(minimal, (d) => (d.checkouts[0].patchset_hash = 'f'.repeat(64)))],
  ['a message id', variant(minimal, (d) => (d.checkouts[0].message_id = 'patch.1@lore.kernel.org'))],
  [
    'a number with a binary prefix',
    variant(hybrid, (d) => (d.tests[0].number = { value: 4096, unit: 'B', prefix: 'binary' })),
  ],
  [
    'an issue and an incident',
    {
      version: { major: 5, minor: 3 },
      issues: [{ id: 'myci:i', origin: 'myci', version: 0, categories: ['boot.oops'], culprit: { code: true } }],
      incidents: [
        { id: 'myci:x', origin: 'myci', issue_id: 'myci:i', issue_version: 0, test_id: 'myci:test-1', present: true },
      ],
    },
  ],
  ['files', variant(minimal, (d) => (d.builds[0].output_files = [{ name: 'bzImage', url: 'https://x.org/bzImage' }]))],
];

/** Invalid documents, each with the JSON pointer packflow must name. */
const INVALID: [string, unknown, string][] = [
  ['a dotted path with an empty segment', variant(minimal, (d) => (d.tests[0].path = 'ltp..sem01')), '/tests/0/path'],
  ['a path ending in a dot', variant(hybrid, (d) => (d.tests[0].path = 'ltp.')), '/tests/0/path'],
  ['a lowercase status', variant(minimal, (d) => (d.tests[0].status = 'pass')), '/tests/0/status'],
  ['a lowercase build status', variant(minimal, (d) => (d.builds[0].status = 'fail')), '/builds/0/status'],
  ['an uppercase origin', variant(minimal, (d) => (d.checkouts[0].origin = 'MyCI')), '/checkouts/0/origin'],
  ['an uppercase origin in an id', variant(hybrid, (d) => (d.tests[0].id = 'MyCI:test-42')), '/tests/0/id'],
  ['a null field', variant(minimal, (d) => (d.checkouts[0].git_commit_hash = null)), '/checkouts/0/git_commit_hash'],
  ['a null status', variant(hybrid, (d) => (d.tests[0].status = null)), '/tests/0/status'],
  ['a null minor version', { version: { major: 5, minor: null } }, '/version/minor'],
  ['a null section', { version: { major: 5 }, tests: null }, '/tests'],
  ['a top-level unknown key', variant(minimal, (d) => (d.results = [])), '/results'],
  ['a top-level metadata key', variant(minimal, (d) => (d._timestamp = '2024-01-01T00:00:00Z')), '/_timestamp'],
  [
    'an environment.platform outside misc',
    variant(hybrid, (d) => (d.tests[0].environment = { platform: 'qemu-x86' })),
    '/tests/0/environment/platform',
  ],
  ['no version', variant(minimal, (d) => delete d.version), '/version'],
  ['version 4', { version: { major: 4 } }, '/version/major'],
  ['version 5.4', { version: { major: 5, minor: 4 } }, '/version/minor'],
  ['an id without an origin', variant(minimal, (d) => (d.builds[0].id = 'build-1')), '/builds/0/id'],
  ['a test without build_id', variant(hybrid, (d) => delete d.tests[0].build_id), '/tests/0/build_id'],
  [
    'an uppercase commit hash',
    variant(minimal, (d) => (d.checkouts[0].git_commit_hash = 'C9C9735C46F589B9877B7FC00C89EF1B61A31E18')),
    '/checkouts/0/git_commit_hash',
  ],
  [
    'a short patchset hash',
    variant(minimal, (d) => (d.checkouts[0].patchset_hash = 'abc')),
    '/checkouts/0/patchset_hash',
  ],
  [
    'an http repository',
    variant(minimal, (d) => (d.checkouts[0].git_repository_url = 'http://git.kernel.org/linux.git')),
    '/checkouts/0/git_repository_url',
  ],
  [
    'a log excerpt over 16384 characters',
    variant(minimal, (d) => (d.tests[0].log_excerpt = 'x'.repeat(16385))),
    '/tests/0/log_excerpt',
  ],
  [
    'an uppercase architecture',
    variant(minimal, (d) => (d.builds[0].architecture = 'X86_64')),
    '/builds/0/architecture',
  ],
  ['a number without value', variant(hybrid, (d) => (d.tests[0].number = { unit: 'ms' })), '/tests/0/number/value'],
  [
    'a file name with a slash',
    variant(minimal, (d) => (d.builds[0].output_files = [{ name: 'boot/bzImage', url: 'https://x.org/b' }])),
    '/builds/0/output_files/0/name',
  ],
  [
    'a negative issue version',
    { version: { major: 5 }, issues: [{ id: 'myci:i', origin: 'myci', version: -1 }] },
    '/issues/0/version',
  ],
  [
    'an incident without issue_version',
    { version: { major: 5 }, incidents: [{ id: 'myci:x', origin: 'myci', issue_id: 'myci:i' }] },
    '/incidents/0/issue_version',
  ],
  [
    'a start time that is not a date-time',
    variant(hybrid, (d) => (d.tests[0].start_time = 'yesterday')),
    '/tests/0/start_time',
  ],
  [
    'an unknown culprit',
    { version: { major: 5 }, issues: [{ id: 'myci:i', origin: 'myci', version: 1, culprit: { blame: true } }] },
    '/issues/0/culprit/blame',
  ],
  ['an unknown metadata key on an object', variant(minimal, (d) => (d.tests[0]._source = 'x')), '/tests/0/_source'],
  ['tests as an object', { version: { major: 5 }, tests: {} }, '/tests'],
  ['a duration as text', variant(minimal, (d) => (d.builds[0].duration = '10')), '/builds/0/duration'],
  [
    'a compatible string with a space',
    variant(hybrid, (d) => (d.tests[0].environment = { compatible: ['qcom sc7180'] })),
    '/tests/0/environment/compatible/0',
  ],
  ['a NUL in a comment', variant(minimal, (d) => (d.checkouts[0].comment = 'a\u0000b')), '/checkouts/0/comment'],
  [
    'a log URL that is not a URI',
    variant(minimal, (d) => (d.builds[0].log_url = 'logs/build.log')),
    '/builds/0/log_url',
  ],
];

describe('packflow KCIDB validation agrees with the official schema v5.3', () => {
  it.each(VALID)('both accept %s', (_, doc) => {
    expect(official(doc)).toBe(true);
    expect(validateKcidbReport(doc)).toMatchObject({ ok: true });
  });

  it.each(INVALID)('both reject %s', (_, doc, pointer) => {
    expect(official(doc)).toBe(false);
    const result = validateKcidbReport(doc);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.violations.map((v) => v.pointer)).toContain(pointer);
  });
});

describe('the example reports', () => {
  let testDb: TestDatabase;
  let db: Database;
  let service: KcidbService;
  let processor: KcidbSubmissionProcessor;
  const token = 'conformance-token-0123456789';

  beforeAll(async () => {
    testDb = await createTestDatabase();
    db = testDb.pool();
    const logger = createLogger({ name: 'kcidb-conformance', level: 'silent', pretty: false });
    processor = new KcidbSubmissionProcessor(db, logger);
    service = new KcidbService({ db, submitters: toKcidbSubmitters({ [token]: ['myci'] }), logger });
  });
  afterAll(async () => {
    await testDb.drop();
  });

  it('are accepted and processed into the tables', async () => {
    for (const name of ['example-minimal.json', 'example-hybrid.json']) {
      const { id } = await service.submit(`Bearer ${token}`, read(name));
      expect(await processor.processSubmission(id)).toMatchObject({ status: 'processed', loaded: true });
      expect(await service.status({ id })).toMatchObject({ status: 'processed' });
    }
    const rows = (await db.query('select id, build_id, path, status from shared.kcidb_tests order by id')).rows;
    expect(rows).toEqual([
      { id: 'myci:test-1', build_id: 'myci:build-1', path: 'ltp.sem01', status: 'PASS' },
      { id: 'myci:test-42', build_id: 'maestro:67d409f9f378f0c5986dc7df', path: 'ltp.sem01', status: 'PASS' },
    ]);
    expect((await db.query('select id, checkout_id from shared.kcidb_builds')).rows).toEqual([
      { id: 'myci:build-1', checkout_id: 'myci:c9c9735c46f5' },
    ]);
  });
});
