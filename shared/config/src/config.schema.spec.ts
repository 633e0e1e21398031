import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import { formatDiagnostic } from './config.reporter.js';
import { suggest } from './key.suggester.js';
import { testReleases } from './testing.releases.js';
import { YAML_LIMITS } from './yaml.reader.js';

const releases = testReleases();
const load = (text: string) => loadConfig(text, '.packit.yaml', { releases });
const errors = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'error');
const job = (lines: string) => `specfile_path: x.spec\njobs:\n  - job: tests\n    trigger: pull_request\n${lines}\n`;

describe('every key of the schema has a type: a wrong one is an error at the value', () => {
  it.each([
    ['enable_net: "yes please"', 'enable_net: expected true or false, got "yes please"'],
    ['timeout: ten', 'timeout: expected a whole number, got "ten"'],
    ['fmf_url: 42', 'fmf_url: expected text, got the number 42 (write "42" in quotes if you mean text)'],
    [
      'skip_build: "no"',
      'skip_build: expected true or false, got "no" (in quotes it is text, not a boolean: write false without quotes)',
    ],
    ['specfile_path: 12', 'specfile_path: expected text, got the number 12 (write "12" in quotes if you mean text)'],
    ['manual_trigger: [true]', 'manual_trigger: expected true or false, got a list'],
    ['env: [A=1]', 'env: expected a mapping (key: value), got a list'],
    ['tf_extra_params: yes', 'tf_extra_params: expected a mapping (key: value), got the boolean true'],
    [
      'patch_generation_patch_id_digits: -1',
      'patch_generation_patch_id_digits: expected a whole number of at least 0, got -1',
    ],
    [
      'bootstrap: on',
      'bootstrap: expected one of default, on, off, image, got the boolean true (an unquoted on, off, yes or no is a boolean in YAML 1.1: quote it, e.g. "on")',
    ],
    ['packit_instances: [prod, staging]', 'packit_instances: expected one of prod, stg, dev, got "staging"'],
    [
      'upstream_package_name: org/repo',
      'upstream_package_name: must be a repository name, without "/", got "org/repo"',
    ],
    [
      'notifications: {pull_request: {successful_build: maybe}}',
      'notifications.pull_request.successful_build: expected true or false, got "maybe"',
    ],
    ['sources: [{path: a.tar.gz}]', 'sources[0]: url is missing'],
    [
      'files_to_sync: [{src: [1], dest: x}]',
      'files_to_sync[0].src: expected a name, got the number 1 (write "1" in quotes)',
    ],
    [
      'test_command: {default_identifier: 3}',
      'test_command.default_identifier: expected text, got the number 3 (write "3" in quotes if you mean text)',
    ],
    ['osh_options: {profile: [a]}', 'osh_options.profile: expected text, got a list'],
    [
      'targets: {fedora-rawhide: {additional_modules: [a]}}',
      'targets.fedora-rawhide.additional_modules: expected text, got a list',
    ],
  ])('%s', (line, message) => {
    const text = job(`    ${line}`);
    const found = errors(text);
    expect(found.map((d) => d.message)).toEqual([message]);
    // At the value as written: the job's line 5, after the key.
    expect(found[0]).toMatchObject({ line: 5, column: expect.any(Number) });
    expect(found[0].column).toBeGreaterThan(5);
  });

  it('accepts what Packit reads: 0/1 as booleans, digits in quotes as a number, spec_source_id as a number', () => {
    const r = load(job('    skip_build: 1\n    timeout: "3600"\n    spec_source_id: 1\n    bootstrap: "on"'));
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.jobs[0].skipBuild).toBe(true);
  });

  it('reports all errors of a file in one run, each with its line and column', () => {
    const text = [
      'specfile_path: 12',
      'packages:',
      '  a: {depends: [b]}',
      '  b: {depends: [a]}',
      'jobs:',
      '  - job: copr_build',
      '    trigger: pull_request',
      '    timeout: ten',
      '    enable_net: "yes please"',
      '  - job: tests',
      '    trigger: pull_request',
      '    fmf_url: 42',
      '    build_identifier: nope',
      '',
    ].join('\n');
    expect(errors(text).map(formatDiagnostic)).toEqual([
      '.packit.yaml:1:16: error: specfile_path: expected text, got the number 12 (write "12" in quotes if you mean text)',
      '.packit.yaml:4:17: error: packages.b.depends[0]: depends cycle: a -> b -> a; packages cannot wait for each other',
      '.packit.yaml:8:14: error: jobs[0].timeout: expected a whole number, got "ten"',
      '.packit.yaml:9:17: error: jobs[0].enable_net: expected true or false, got "yes please"',
      '.packit.yaml:12:14: error: jobs[1].fmf_url: expected text, got the number 42 (write "42" in quotes if you mean text)',
      '.packit.yaml:13:23: error: jobs[1].build_identifier: build_identifier "nope": no copr_build job with that identifier runs on pull_request for package a (copr_build identifiers in this file: a, b)',
      '.packit.yaml:13:23: error: jobs[1].build_identifier: build_identifier "nope": no copr_build job with that identifier runs on pull_request for package b (copr_build identifiers in this file: a, b)',
    ]);
  });
});

describe('unknown keys: a warning (kept as an option) with the closest known key', () => {
  it.each([
    ['trigerr: x', 'jobs[0].trigerr', 'unknown key "trigerr"; did you mean "trigger"?'],
    ['specfile-path: x', 'jobs[0].specfile-path', 'unknown key "specfile-path"; did you mean "specfile_path"?'],
    ['tmt_plans: x', 'jobs[0].tmt_plans', 'unknown key "tmt_plans"; did you mean "tmt_plan"?'],
    ['depends: [a]', 'jobs[0].depends', 'unknown key "depends"; it belongs in a package'],
    ['zzzzzz: 1', 'jobs[0].zzzzzz', 'unknown key "zzzzzz"'],
  ])('%s', (line, path, start) => {
    const r = load(job(`    ${line}`));
    expect(r.config).toBeDefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        path,
        line: 5,
        column: 5,
        message: `${start} (packflow keeps it as an option but does not act on it)`,
      }),
    ]);
  });

  it('in nested options and target options too', () => {
    const r = load(
      job('    notifications: {pull_request: {successfull_build: true}}\n    targets: {fedora-rawhide: {distro: [x]}}'),
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'unknown key "successfull_build" in notifications.pull_request; did you mean "successful_build"?',
      'unknown option "distro" of targets fedora-rawhide (did you mean "distros"?); packflow passes it on as is',
    ]);
  });

  it('suggests only names close enough to be a slip', () => {
    expect(suggest('trigerr', ['job', 'trigger'])).toBe('trigger');
    expect(suggest('dist-git-branches', ['dist_git_branches'])).toBe('dist_git_branches');
    expect(suggest('owner', ['project', 'branch'])).toBeUndefined();
  });
});

describe('limits (issue 15): a config error naming the limit, not a slow parse', () => {
  it('a billion-laughs config is refused', () => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const r = load(`${lines.join('\n')}\njobs: *a9\n`);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 5,
        message: expect.stringContaining(`aliases expand to more than 50,000 values, the limit for a config file`),
      }),
    ]);
  });

  it('a config larger than the size limit is refused', () => {
    const r = load(`specfile_path: x.spec\n# ${'-'.repeat(YAML_LIMITS.maxBytes)}\n`);
    expect(r.config).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(
        /^the file is 524,31\d bytes, more than the limit of 524,288 bytes \(512 KiB\) for a config file/,
      ),
    ]);
  });
});
