// `packflow plan` as an operator runs it, on hand-written configs and webhook bodies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { runCli } from '../testing/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'packflow-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | object): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The CLI as an operator runs it, with this file's release table. */
const cli = (args: string[]) => runCli(args, { PACKFLOW_RELEASES_FILE: releasesFile });

// A release table of its own, so that the expected chroots do not change with Fedora releases.
const releasesFile = file('releases.json', {
  releases: [
    { distro: 'fedora', version: '41', status: 'stable' },
    { distro: 'fedora', version: '42', status: 'stable' },
    { distro: 'fedora', version: 'rawhide', status: 'rawhide' },
  ],
});

const config = file(
  'packit.yaml',
  `
packages:
  lib: {paths: [lib]}
  app: {paths: [app], depends: [lib]}
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-stable]
  - job: tests
    trigger: pull_request
    packages: [app]
    identifier: smoke
    targets: [fedora-latest-stable]
  - job: tests
    trigger: pull_request
    packages: [app]
    identifier: full
    manual_trigger: true
  - job: copr_build
    trigger: ignore
    identifier: template
`,
);

// Webhook bodies with the fields GitHub always sends that the parser reads.
const repository = {
  full_name: 'packit/hello',
  html_url: 'https://github.com/packit/hello',
  default_branch: 'main',
};

const pr = file('pr.json', {
  action: 'opened',
  number: 7,
  pull_request: { number: 7, head: { sha: 'a'.repeat(40), ref: 'fix' }, base: { ref: 'main' }, labels: [] },
  repository,
});

describe('packflow plan', () => {
  it('--json prints exactly steps, edges, skipped and notes in the documented shape', async () => {
    const r = await cli(['plan', '--config', config, '--event', pr, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      steps: [
        {
          id: 'srpm_build:lib',
          package: 'lib',
          job: 'srpm_build',
          identifier: 'lib',
          trigger: 'pull_request',
          targets: ['srpm-builds'],
        },
        {
          id: 'copr_build:lib',
          package: 'lib',
          job: 'copr_build',
          identifier: 'lib',
          trigger: 'pull_request',
          targets: ['fedora-41-x86_64', 'fedora-42-x86_64'],
        },
        {
          id: 'srpm_build:app',
          package: 'app',
          job: 'srpm_build',
          identifier: 'app',
          trigger: 'pull_request',
          targets: ['srpm-builds'],
        },
        {
          id: 'copr_build:app',
          package: 'app',
          job: 'copr_build',
          identifier: 'app',
          trigger: 'pull_request',
          targets: ['fedora-41-x86_64', 'fedora-42-x86_64'],
        },
        {
          id: 'tests:app:smoke',
          package: 'app',
          job: 'tests',
          identifier: 'smoke',
          trigger: 'pull_request',
          targets: ['fedora-42-x86_64'],
        },
      ],
      edges: [
        { from: 'srpm_build:lib', to: 'copr_build:lib', target: null },
        { from: 'srpm_build:app', to: 'copr_build:app', target: null },
        { from: 'copr_build:app', to: 'tests:app:smoke', target: 'fedora-42-x86_64' },
        { from: 'copr_build:lib', to: 'srpm_build:app', target: null },
        { from: 'copr_build:lib', to: 'copr_build:app', target: 'fedora-41-x86_64' },
        { from: 'copr_build:lib', to: 'copr_build:app', target: 'fedora-42-x86_64' },
      ],
      skipped: [
        {
          job: 'tests',
          package: 'app',
          identifier: 'full',
          reason: 'manual_trigger is true: runs only from a /packit test comment',
        },
        { job: 'copr_build', package: 'lib', identifier: 'template', reason: 'trigger is ignore: the job never runs' },
        { job: 'copr_build', package: 'app', identifier: 'template', reason: 'trigger is ignore: the job never runs' },
      ],
      notes: [],
    });
  });

  it('prints an indented tree of steps and the skipped jobs with reasons', async () => {
    const r = await cli(['plan', '--config', config, '--event', pr, '--changed-files', 'app/main.c,README.md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'steps:',
        '  srpm_build:app  [srpm-builds]',
        '    copr_build:app  [fedora-41-x86_64, fedora-42-x86_64]',
        '      tests:app:smoke  [fedora-42-x86_64]  (waits target by target: 1)',
        'skipped:',
        '  copr_build lib (jobs[0]): paths unchanged: no changed file is under lib (package lib)',
        '  tests app full (jobs[2]): manual_trigger is true: runs only from a /packit test comment',
        '  copr_build lib template (jobs[3]): trigger is ignore: the job never runs',
        '  copr_build app template (jobs[3]): trigger is ignore: the job never runs',
        '',
      ].join('\n'),
    );
  });

  it('plans a comment command given with --comment, or found in a comment payload', async () => {
    const given = await cli([
      'plan',
      '--config',
      config,
      '--event',
      pr,
      '--comment',
      '/packit test --identifier full',
      '--json',
    ]);
    expect(given.code).toBe(0);
    expect(JSON.parse(given.stdout).steps.map((s: { id: string }) => s.id)).toEqual([
      'srpm_build:app',
      'copr_build:app',
      'tests:app:full',
    ]);
    const comment = file('comment.json', {
      action: 'created',
      issue: { number: 7, pull_request: {}, labels: [] },
      comment: { id: 1, body: '/packit build --package lib' },
      repository,
    });
    const found = await cli([
      'plan',
      '--config',
      config,
      '--event',
      comment,
      '--event-type',
      'issue_comment',
      '--json',
    ]);
    expect(found.code).toBe(0);
    expect(JSON.parse(found.stdout).steps.map((s: { id: string }) => s.id)).toEqual([
      'srpm_build:lib',
      'copr_build:lib',
    ]);
  });

  it('exit 1 with the diagnostics on stderr when the config is invalid', async () => {
    const broken = file(
      'broken.yaml',
      'jobs:\n  - job: tests\n    trigger: pull_request\n    build_identifier: nope\n',
    );
    const r = await cli(['plan', '--config', broken, '--event', pr]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/broken\.yaml:4:23: error: jobs\[0\]\.build_identifier: build_identifier "nope"/);
  });

  it('exit 2 when the payload cannot be read or is no event', async () => {
    const notJson = await cli(['plan', '--config', config, '--event', file('x.json', '{oops')]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/^packflow: .*x\.json is not JSON/);
    const noEvent = await cli([
      'plan',
      '--config',
      config,
      '--event',
      file('closed.json', {
        action: 'closed',
        number: 7,
        pull_request: { number: 7, head: { sha: 'a'.repeat(40) }, base: { ref: 'main' } },
        repository,
      }),
      '--event-type',
      'pull_request',
    ]);
    expect(noEvent.code).toBe(2);
    expect(noEvent.stderr).toMatch(/a pull_request\.closed event runs no job/);
    const ping = await cli([
      'plan',
      '--config',
      config,
      '--event',
      file('ping.json', { zen: 'hi' }),
      '--event-type',
      'ping',
    ]);
    expect(ping.code).toBe(2);
    expect(ping.stderr).toMatch(/this ping event runs no job: ping: the webhook is set up/);
    const unknown = await cli(['plan', '--config', config, '--event', file('what.json', { hello: 1 })]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/cannot tell which webhook this body is/);
    const incomplete = await cli([
      'plan',
      '--config',
      config,
      '--event',
      file('bad.json', { action: 'opened', number: 1, pull_request: {}, repository }),
    ]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/pull_request\.number: expected a whole number/);
    expect((await cli(['plan', '--config', config, '--event', join(dir, 'missing.json')])).code).toBe(2);
  });
});
