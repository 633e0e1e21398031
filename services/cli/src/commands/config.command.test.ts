// `packflow config validate` as an operator runs it: exit 0 valid, 1 invalid, 2 unreadable.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'packflow-config-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The CLI as an operator runs it, with the shipped release table. */
const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { PACKFLOW_RELEASES_FILE: '', ...env });

const VALID = `
specfile_path: foo.spec
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-all]
  - job: tests
    trigger: pull_request
    targets: [fedora-rawhide]
    trigerr: typo
`;

describe('packflow config validate', () => {
  it('exit 0 for a valid config, printing its warnings with file:line:column and key path', async () => {
    const path = file('valid.yaml', VALID);
    const r = await cli(['config', 'validate', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${path}:10:5: warning: jobs[1].trigerr: unknown key "trigerr"; did you mean "trigger"? (packflow keeps it as an option but does not act on it)\n` +
        `${path}: valid (1 warning)\n`,
    );
  });

  it('finds the config in a directory, and prints the diagnostics as JSON with --json', async () => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    writeFileSync(join(repo, '.packit.yml'), VALID);
    const r = await cli(['config', 'validate', repo, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['file', 'valid', 'diagnostics']);
    expect(out.file).toBe(join(repo, '.packit.yml'));
    expect(out.valid).toBe(true);
    expect(out.diagnostics).toEqual([
      {
        severity: 'warning',
        message:
          'unknown key "trigerr"; did you mean "trigger"? (packflow keeps it as an option but does not act on it)',
        file: join(repo, '.packit.yml'),
        line: 10,
        column: 5,
        path: 'jobs[1].trigerr',
      },
    ]);
  });

  it.each([
    [
      'bad YAML',
      'jobs:\n  - job: copr_build\n  trigger: pull_request\n    targets: [\n',
      /:3:3: error: YAML syntax: bad indentation: "trigger:" is indented 2 spaces, but line 2 before it \("job:"\) is indented 4 spaces/,
    ],
    [
      'an unknown job type',
      'jobs:\n  - job: copr_build\n    trigger: pull_request\n  - job: copr-build\n    trigger: pull_request\n',
      /:4:10: error: jobs\[1\]\.job: unknown job type "copr-build"/,
    ],
    [
      'a tests job whose build_identifier no copr_build job has',
      'jobs:\n  - {job: copr_build, trigger: pull_request, identifier: rpm}\n  - job: tests\n    trigger: pull_request\n    build_identifier: rpms\n',
      /:5:23: error: jobs\[1\]\.build_identifier: build_identifier "rpms": no copr_build job with that identifier .*copr_build identifiers in this file: rpm/,
    ],
    [
      'a depends cycle',
      'packages:\n  a:\n    depends: [b]\n  b:\n    depends: [a]\n',
      /:5:15: error: packages\.b\.depends\[0\]: depends cycle: a -> b -> a/,
    ],
  ])('exit 1 for %s, with the location in the message', async (_what, text, expected) => {
    const path = file(`broken-${Math.random().toString(36).slice(2)}.yaml`, text);
    const r = await cli(['config', 'validate', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(path);
    expect(r.stdout).toMatch(expected);
    expect(r.stdout).toMatch(/: invalid \(1 error\)\n$/);
  });

  it('exit 2 when there is nothing to read', async () => {
    const missing = await cli(['config', 'validate', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`packflow: cannot read ${join(dir, 'nope.yaml')}: no such file or directory\n`);
    const empty = mkdtempSync(join(dir, 'empty-'));
    const none = await cli(['config', 'validate', empty]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no \.packit\.yaml, \.packit\.yml, packit\.yaml, packit\.yml in /);
  });

  it('reports every wrong type in one run, each with file:line:column', async () => {
    const path = file(
      'types.yaml',
      [
        'specfile_path: 12',
        'jobs:',
        '  - job: tests',
        '    trigger: pull_request',
        '    enable_net: "yes please"',
        '    timeout: ten',
        '    fmf_url: 42',
        '    skip_build: "no"',
        '',
      ].join('\n'),
    );
    const r = await cli(['config', 'validate', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        `${path}:1:16: error: specfile_path: expected text, got the number 12 (write "12" in quotes if you mean text)`,
        `${path}:5:17: error: jobs[0].enable_net: expected true or false, got "yes please"`,
        `${path}:6:14: error: jobs[0].timeout: expected a whole number, got "ten"`,
        `${path}:7:14: error: jobs[0].fmf_url: expected text, got the number 42 (write "42" in quotes if you mean text)`,
        `${path}:8:17: error: jobs[0].skip_build: expected true or false, got "no" (in quotes it is text, not a boolean: write false without quotes)`,
        `${path}: invalid (5 errors)`,
        '',
      ].join('\n'),
    );
  });

  it('exit 0 with a note for a tests target its copr_build job does not list (built there too)', async () => {
    const path = file(
      'union.yaml',
      'jobs:\n  - {job: copr_build, trigger: pull_request, targets: [epel-9]}\n  - job: tests\n    trigger: pull_request\n    targets:\n      - epel-9-x86_64\n      - centos-stream-10\n',
    );
    const r = await cli(['config', 'validate', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${path}:7:9: note: jobs[1].targets[1]: tests target centos-stream-10-x86_64 (from centos-stream-10) is not among the targets of the copr_build job jobs[0] (epel-9-x86_64): packflow builds it there too, for these tests\n` +
        `${path}: valid (1 note)\n`,
    );
  });

  it('reads the release table the operator names in PACKFLOW_RELEASES_FILE, and refuses a broken one', async () => {
    const table = file(
      'releases.json',
      JSON.stringify({ releases: [{ distro: 'fedora', version: '50', status: 'stable' }] }),
    );
    const path = file('f41.yaml', 'jobs:\n  - {job: copr_build, trigger: pull_request, targets: [fedora-41]}\n');
    const r = await cli(['config', 'validate', path], { PACKFLOW_RELEASES_FILE: table });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /warning: jobs\[0\]\.targets\[0\]: fedora-41 is not an active release in the release table/,
    );
    const broken = file('broken-releases.json', '{"releases": [{"distro": "fedora"}]}');
    const refused = await cli(['config', 'validate', path], { PACKFLOW_RELEASES_FILE: broken });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/release table .*broken-releases\.json is invalid:\n {2}releases\[0\]\.version/);
  });
});
