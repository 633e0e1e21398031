import { describe, expect, it } from '@jest/globals';
import { validateKcidbReport } from './kcidb-report.validator.js';

const HASH = 'c9c9735c46f589b9877b7fc00c89ef1b61a31e18';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const file = { name: 'bzImage', url: 'https://files.example.org/bzImage' };

type Section = 'checkouts' | 'builds' | 'tests' | 'issues' | 'incidents';

/** A report using every field of every object. */
function full(): Record<string, unknown> & Record<Section, Record<string, unknown>[]> {
  return {
    version: { major: 5, minor: 3 },
    checkouts: [
      {
        id: 'myci:c1',
        origin: 'myci',
        tree_name: 'mainline',
        git_repository_url: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
        git_commit_hash: HASH,
        git_commit_name: 'v6.12-rc1-1-gc9c9735c46f5',
        git_commit_tags: ['v6.12-rc1'],
        git_commit_message: 'Merge tag ...',
        git_repository_branch: 'master',
        git_repository_branch_tip: true,
        patchset_files: [{ name: '0001-fix.patch', url: 'https://lore.example.org/0001.patch' }],
        patchset_hash: SHA256,
        message_id: '20240101.1234@lore.example.org',
        comment: 'a checkout',
        start_time: '2024-01-01T10:00:00Z',
        origin_builds_finish_time: '2024-01-01T11:00:00+01:00',
        origin_tests_finish_time: '2024-01-01T12:00:00.5Z',
        log_url: 'https://logs.example.org/checkout.log',
        log_excerpt: 'ok',
        valid: true,
        misc: { anything: [1, null, { deep: null }] },
        _timestamp: '2024-01-01T12:00:00Z',
      },
    ],
    builds: [
      {
        id: 'myci:b1',
        origin: 'myci',
        checkout_id: 'myci:c1',
        comment: 'a build',
        start_time: '2024-01-01T10:05:00Z',
        duration: 612.5,
        architecture: 'x86_64',
        command: 'make -j8 bzImage',
        compiler: 'gcc 14.2',
        input_files: [{ name: '.config', url: 'https://files.example.org/config' }],
        output_files: [file],
        config_name: 'defconfig',
        config_url: 'https://files.example.org/config',
        log_url: 'https://logs.example.org/build.log',
        log_excerpt: 'error: ...',
        status: 'PASS',
        misc: {},
      },
    ],
    tests: [
      {
        id: 'myci:t1',
        origin: 'myci',
        build_id: 'maestro:67d409f9f378f0c5986dc7df',
        environment: {
          compatible: ['qcom,sc7180-trogdor', 'qcom,sc7180'],
          comment: 'lab 3',
          misc: { platform: 'sc7180-trogdor' },
        },
        path: 'boot.start',
        comment: 'a test',
        log_url: 'https://logs.example.org/test.log',
        log_excerpt: 'Kernel panic',
        status: 'FAIL',
        number: { value: 12.5, unit: 'ms', prefix: 'metric' },
        start_time: '2024-01-01T10:30:00Z',
        duration: 3,
        input_files: [],
        output_files: [file],
        misc: {},
      },
      { id: 'myci:t2', origin: 'myci', build_id: 'myci:b1', path: '' },
    ],
    issues: [
      {
        id: 'myci:i1',
        origin: 'myci',
        version: 0,
        report_url: 'https://lore.example.org/report',
        report_subject: 'boot fails',
        culprit: { code: true, tool: false, harness: false },
        comment: 'an issue',
        categories: ['boot.oops', 'regression'],
        misc: {},
      },
    ],
    incidents: [
      {
        id: 'myci:x1',
        origin: 'myci',
        issue_id: 'myci:i1',
        issue_version: 0,
        build_id: 'myci:b1',
        test_id: 'myci:t1',
        present: true,
        comment: 'seen',
        misc: {},
      },
    ],
  };
}

/** Validates and returns the violations (pointer -> message). */
function violations(report: unknown): Record<string, string> {
  const result = validateKcidbReport(report);
  return result.ok ? {} : Object.fromEntries(result.violations.map((v) => [v.pointer, v.message]));
}

describe('validateKcidbReport', () => {
  it('accepts a report using every field, and one with only a version', () => {
    expect(validateKcidbReport(full())).toMatchObject({ ok: true });
    expect(validateKcidbReport({ version: { major: 5 } })).toMatchObject({ ok: true });
    for (const minor of [0, 1, 2, 3]) expect(validateKcidbReport({ version: { major: 5, minor } }).ok).toBe(true);
  });

  describe('the report', () => {
    it.each([
      ['not an object', [], '', 'must be an object'],
      ['no version', {}, '/version', 'is required'],
      ['major 4', { version: { major: 4 } }, '/version/major', 'must be 5'],
      ['minor 4', { version: { major: 5, minor: 4 } }, '/version/minor', 'at most 3'],
      ['minor -1', { version: { major: 5, minor: -1 } }, '/version/minor', 'at least 0'],
      ['a fractional minor', { version: { major: 5, minor: 1.5 } }, '/version/minor', 'whole number'],
      ['a version without major', { version: { minor: 3 } }, '/version/major', 'is required'],
      ['an unknown version key', { version: { major: 5, patch: 1 } }, '/version/patch', 'is not a field'],
      ['an unknown top-level key', { version: { major: 5 }, results: [] }, '/results', 'expected version, checkouts'],
      [
        'a metadata key at the top',
        { version: { major: 5 }, _timestamp: '2024-01-01T00:00:00Z' },
        '/_timestamp',
        'is not a field',
      ],
      ['a section that is not a list', { version: { major: 5 }, tests: {} }, '/tests', 'must be a list'],
      ['a null section', { version: { major: 5 }, builds: null }, '/builds', 'must not be null'],
    ])('refuses %s', (_, report, pointer, message) => {
      expect(violations(report)[pointer]).toContain(message);
    });
  });

  describe('every object', () => {
    it.each([
      ['checkouts', 'origin'],
      ['builds', 'checkout_id'],
      ['tests', 'build_id'],
      ['issues', 'version'],
      ['incidents', 'issue_id'],
      ['incidents', 'issue_version'],
    ])('requires %s to have %s (and id and origin)', (section, field) => {
      const report = full();
      const object = report[section as Section][0];
      delete object[field];
      delete object.id;
      expect(violations(report)).toEqual({
        [`/${section}/0/${field}`]: expect.stringContaining('is required'),
        [`/${section}/0/id`]: expect.stringContaining('is required'),
      });
    });

    it.each(['MyCI', 'my-ci', 'my ci', ''])('refuses the origin %j', (origin) => {
      const report = full();
      report.builds[0].origin = origin;
      expect(violations(report)['/builds/0/origin']).toContain('lowercase letters, digits and _');
    });

    it('hints that an origin in capitals only needs lower case', () => {
      const report = full();
      report.tests[0].origin = 'MYCI';
      expect(violations(report)['/tests/0/origin']).toContain('origins are lower case');
    });

    it.each([
      ['checkouts', 'id', 'c1'],
      ['builds', 'checkout_id', ':c1'],
      ['tests', 'build_id', 'Maestro:1'],
      ['incidents', 'issue_id', 'myci'],
      ['incidents', 'build_id', 'my-ci:b'],
      ['incidents', 'test_id', 'myci:t\u0000'],
    ])('refuses in %s a %s of %j (ids are origin:local-id)', (section, field, value) => {
      const report = full();
      report[section as Section][0][field] = value;
      expect(violations(report)[`/${section}/0/${field}`]).toContain('"<origin>:<local id>"');
    });

    it('accepts ids whose local part has any character but NUL', () => {
      const report = full();
      report.tests[0].id = 'myci:Test #1/ü:☃';
      report.tests[0].build_id = 'myci:';
      expect(violations(report)).toEqual({});
    });

    it('refuses null for any field, naming each', () => {
      const report = full();
      report.checkouts[0].tree_name = null;
      report.builds[0].status = null;
      report.tests[0].environment = { compatible: null };
      report.issues[0].culprit = { code: null };
      expect(violations(report)).toEqual({
        '/checkouts/0/tree_name': expect.stringContaining('must not be null'),
        '/builds/0/status': expect.stringContaining('must not be null'),
        '/tests/0/environment/compatible': expect.stringContaining('must not be null'),
        '/issues/0/culprit/code': expect.stringContaining('must not be null'),
      });
    });

    it('allows null inside misc, which is free-form', () => {
      const report = full();
      report.tests[0].misc = { a: null };
      expect(violations(report)).toEqual({});
    });

    it.each<Section>(['checkouts', 'builds', 'tests', 'issues', 'incidents'])(
      'accepts _timestamp on %s and refuses other unknown fields',
      (section) => {
        const report = full();
        report[section][0]._timestamp = '2024-01-01T00:00:00Z';
        expect(violations(report)).toEqual({});
        report[section][0].colour = 'red';
        report[section][0]._other = 1;
        expect(Object.keys(violations(report)).sort()).toEqual([`/${section}/0/_other`, `/${section}/0/colour`]);
      },
    );

    it('refuses a _timestamp that is not a date-time', () => {
      const report = full();
      report.builds[0]._timestamp = 'now';
      expect(violations(report)['/builds/0/_timestamp']).toContain('date-time');
    });

    it('refuses NUL in text fields', () => {
      const report = full();
      report.builds[0].comment = 'a\u0000b';
      expect(violations(report)['/builds/0/comment']).toContain('without NUL');
    });

    it('refuses a misc that is not an object', () => {
      const report = full();
      report.incidents[0].misc = [];
      expect(violations(report)['/incidents/0/misc']).toContain('must be an object');
    });
  });

  describe('checkouts', () => {
    it.each([
      ['git_repository_url', 'http://git.kernel.org/linux.git', 'https://'],
      ['git_repository_url', 'git://git.kernel.org/linux.git', 'https://'],
      ['git_commit_hash', HASH.toUpperCase(), '40 lowercase hexadecimal'],
      ['git_commit_hash', HASH.slice(1), '40 lowercase hexadecimal'],
      ['patchset_hash', 'abc', 'sha256'],
      ['patchset_hash', SHA256.toUpperCase(), 'sha256'],
      ['git_commit_tags', 'v1', 'must be a list'],
      ['git_commit_tags', [1], undefined],
      ['git_repository_branch_tip', 'yes', 'true or false'],
      ['valid', 1, 'true or false'],
      ['message_id', 'not an address', 'Message-ID'],
      ['start_time', '2024-01-01', 'date-time'],
      ['start_time', '2024-01-01T10:00:00', 'date-time'],
      ['origin_tests_finish_time', '2024-13-01T10:00:00Z', 'date-time'],
      ['log_url', 'not a url', 'URI'],
      ['log_excerpt', 'x'.repeat(16385), 'at most 16384'],
      ['patchset_files', [{ name: 'a/b.patch', url: 'https://x.org/p' }], undefined],
    ])('refuses %s = %j', (field, value, message) => {
      const report = full();
      report.checkouts[0][field] = value;
      const found = violations(report);
      if (message) expect(found[`/checkouts/0/${field}`]).toContain(message);
      else
        expect(found[`/checkouts/0/${field}/0`] ?? found['/checkouts/0/patchset_files/0/name']).toMatch(
          /must be a string|without \//,
        );
    });

    it('accepts an empty patchset hash and a log excerpt of exactly 16384 characters', () => {
      const report = full();
      report.checkouts[0].patchset_hash = '';
      report.checkouts[0].log_excerpt = 'x'.repeat(16384);
      expect(violations(report)).toEqual({});
    });
  });

  describe('builds', () => {
    it.each([
      ['architecture', 'X86_64', 'lowercase letters, digits and _'],
      ['architecture', 'x86-64', 'lowercase letters, digits and _'],
      ['duration', '10', 'must be a number'],
      ['status', 'BROKEN', 'must be one of FAIL, ERROR, MISS, PASS, DONE, SKIP'],
      ['config_url', 'config', 'URI'],
      ['input_files', [{ name: 'x' }], undefined],
      ['output_files', [{ name: 'x', url: 'https://x.org/x', size: 1 }], undefined],
    ])('refuses %s = %j', (field, value, message) => {
      const report = full();
      report.builds[0][field] = value;
      const found = violations(report);
      if (message) expect(found[`/builds/0/${field}`]).toContain(message);
      else expect(Object.keys(found)[0]).toMatch(new RegExp(`^/builds/0/${field}/0/(url|size)$`));
    });

    it('accepts an empty architecture', () => {
      const report = full();
      report.builds[0].architecture = '';
      expect(violations(report)).toEqual({});
    });
  });

  describe('tests', () => {
    it.each(['boot..start', '.boot', 'boot.', 'boot start', 'boot/start', '.'])('refuses the path %j', (path) => {
      const report = full();
      report.tests[0].path = path;
      expect(violations(report)['/tests/0/path']).toContain('dotted path');
    });

    it('says which paths have an empty segment', () => {
      const report = full();
      report.tests[0].path = 'boot..start';
      expect(violations(report)['/tests/0/path']).toContain('empty segment');
    });

    it.each(['', 'boot', 'ltp.sem01', 'kselftest.net.ip_v6-x', 'A.B_c-D'])('accepts the path %j', (path) => {
      const report = full();
      report.tests[0].path = path;
      expect(violations(report)).toEqual({});
    });

    it.each(['pass', 'Pass', 'failed', ''])('refuses the status %j', (status) => {
      const report = full();
      report.tests[0].status = status;
      expect(violations(report)['/tests/0/status']).toContain('must be one of FAIL, ERROR, MISS, PASS, DONE, SKIP');
    });

    it('hints that a lowercase status only needs upper case', () => {
      const report = full();
      report.tests[0].status = 'skip';
      expect(violations(report)['/tests/0/status']).toContain('statuses are upper case: "SKIP"');
    });

    it('refuses a platform beside environment.misc, saying where it belongs', () => {
      const report = full();
      report.tests[0].environment = { platform: 'qemu' };
      expect(violations(report)).toEqual({
        '/tests/0/environment/platform': expect.stringContaining('environment.misc.platform'),
      });
    });

    it.each([
      [{ compatible: 'qcom,sc7180' }, '/tests/0/environment/compatible', 'must be a list'],
      [{ compatible: ['qcom sc7180'] }, '/tests/0/environment/compatible/0', 'without spaces'],
      [{ compatible: [''] }, '/tests/0/environment/compatible/0', 'without spaces'],
      [{ misc: 'qemu' }, '/tests/0/environment/misc', 'must be an object'],
    ])('refuses the environment %j', (environment, pointer, message) => {
      const report = full();
      report.tests[0].environment = environment;
      expect(violations(report)[pointer]).toContain(message);
    });

    it.each([
      [{ unit: 'ms' }, '/tests/0/number/value', 'is required'],
      [{ value: '1' }, '/tests/0/number/value', 'must be a number'],
      [{ value: 1, prefix: 'si' }, '/tests/0/number/prefix', 'metric, binary'],
      [{ value: 1, scale: 2 }, '/tests/0/number/scale', 'is not a field'],
    ])('refuses the number %j', (number, pointer, message) => {
      const report = full();
      report.tests[0].number = number;
      expect(violations(report)[pointer]).toContain(message);
    });
  });

  describe('issues and incidents', () => {
    it.each([
      ['version', -1, 'at least 0'],
      ['version', 1.5, 'whole number'],
      ['version', '1', 'whole number'],
      ['report_url', 'lore', 'URI'],
      ['categories', ['boot..oops'], undefined],
      ['culprit', { code: 'yes' }, undefined],
      ['culprit', { blame: true }, undefined],
    ])('refuses an issue %s = %j', (field, value, message) => {
      const report = full();
      report.issues[0][field] = value;
      const found = violations(report);
      if (message) expect(found[`/issues/0/${field}`]).toContain(message);
      else expect(Object.keys(found)).toHaveLength(1);
    });

    it.each([
      ['issue_version', -1, 'at least 0'],
      ['present', 'no', 'true or false'],
      ['test_id', 't1', '"<origin>:<local id>"'],
    ])('refuses an incident %s = %j', (field, value, message) => {
      const report = full();
      report.incidents[0][field] = value;
      expect(violations(report)[`/incidents/0/${field}`]).toContain(message);
    });
  });

  it('lists every violation of a report at once, each with its JSON pointer', () => {
    const result = validateKcidbReport({
      version: { major: 5, minor: 3 },
      extra: 1,
      checkouts: [{ id: 'myci:c', origin: 'myci', git_commit_hash: 'abc' }],
      tests: [
        { id: 'myci:t', origin: 'myci', build_id: 'myci:b', status: 'pass' },
        { id: 'myci:u', origin: 'myci', path: 'a..b' },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.violations.map((v) => v.pointer).sort()).toEqual([
      '/checkouts/0/git_commit_hash',
      '/extra',
      '/tests/0/status',
      '/tests/1/build_id',
      '/tests/1/path',
    ]);
  });

  it('escapes ~ and / in the JSON pointers of unknown keys', () => {
    expect(violations({ version: { major: 5 }, 'a/b~c': 1 })).toEqual({ '/a~1b~0c': expect.any(String) });
  });
});
