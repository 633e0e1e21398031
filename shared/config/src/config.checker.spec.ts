import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import { testReleases } from './testing.releases.js';

const releases = testReleases();
const load = (text: string) => loadConfig(text, 'packit.yaml', { releases });
const errors = (text: string) => load(text).diagnostics.filter((d) => d.severity === 'error');
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('build_identifier: which copr_build job a tests job tests', () => {
  it('binds a tests job to the copr_build job of that identifier', () => {
    const r = load(`
jobs:
  - job: copr_build
    trigger: pull_request
    identifier: fedora
    targets: [fedora-all]
  - job: copr_build
    trigger: pull_request
    identifier: asan
    targets: [fedora-all]
  - job: tests
    trigger: pull_request
    build_identifier: asan
    targets: [fedora-rawhide]
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.jobs[2].buildCandidates).toEqual([1]);
  });

  it('is an error naming the identifiers there are when no copr_build job has it', () => {
    const text = `
jobs:
  - job: copr_build
    trigger: pull_request
    identifier: fedora
  - job: tests
    trigger: pull_request
    build_identifier: fedroa
`;
    expect(errors(text)).toEqual([
      expect.objectContaining({
        path: 'jobs[1].build_identifier',
        line: lineOf(text, 'fedroa'),
        message: expect.stringMatching(
          /build_identifier "fedroa": no copr_build job with that identifier runs on pull_request.*copr_build identifiers in this file: fedora/,
        ),
      }),
    ]);
  });

  it('without build_identifier and several candidates, tests the first (as Packit does) and says so in a note', () => {
    const text = `
jobs:
  - job: copr_build
    trigger: pull_request
    identifier: one
    targets: [fedora-all]
  - job: copr_build
    trigger: pull_request
    identifier: two
    targets: [fedora-all]
  - job: tests
    trigger: pull_request
    targets: [fedora-rawhide]
`;
    const r = load(text);
    expect(r.config!.jobs[2].buildCandidates).toEqual([0]);
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'note',
        path: 'jobs[2]',
        line: lineOf(text, '- job: tests'),
        message:
          'this tests job tests the builds of jobs[0] (identifier one), the first copr_build job on pull_request, as Packit does; ' +
          'jobs[1] (identifier two) also builds there: give that job an identifier and set build_identifier on this one to test it instead',
      }),
    ]);
  });

  it('prefers the build with the same identifier, then the one that builds every tests target', () => {
    const r = load(`
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-all]
  - job: copr_build
    trigger: pull_request
    identifier: el
    targets: [epel-all]
  - job: tests
    trigger: pull_request
    targets: [fedora-latest]
  - job: tests
    trigger: pull_request
    identifier: el
    targets: [epel-9]
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.jobs.map((j) => j.buildCandidates)).toEqual([[], [], [0], [1]]);
  });

  it('accepts several candidates that their branch tells apart (the event decides)', () => {
    const r = load(`
jobs:
  - job: copr_build
    trigger: pull_request
    branch: main
  - job: copr_build
    trigger: pull_request
    branch: stable
  - job: tests
    trigger: pull_request
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.jobs[2].buildCandidates).toEqual([0, 1]);
  });

  it('ignores builds of another trigger, package or Packit instance, and jobs that are ignored', () => {
    const r = load(`
packages:
  a: {}
  b: {}
jobs:
  - job: copr_build
    trigger: pull_request
    packages: [a]
  - job: copr_build
    trigger: pull_request
    packit_instances: [stg]
  - job: copr_build
    trigger: commit
  - job: tests
    trigger: pull_request
  - job: tests
    trigger: ignore
`);
    expect(r.diagnostics).toEqual([]);
    const tests = r.config!.jobs.filter((j) => j.type === 'tests' && j.trigger === 'pull_request');
    expect(tests.map((t) => [t.package, t.buildCandidates])).toEqual([
      ['a', [0]],
      ['b', []],
    ]);
  });
});

describe('tests targets the build job does not list are built there too (as Packit did)', () => {
  it('is a note naming the tests target and the copr_build job, at the target', () => {
    const text = `
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-stable]
  - job: tests
    trigger: pull_request
    targets:
      - fedora-latest-stable
      - fedora-rawhide
`;
    const r = load(text);
    expect(r.config).toBeDefined();
    expect(r.diagnostics).toEqual([
      {
        severity: 'note',
        file: 'packit.yaml',
        path: 'jobs[1].targets[1]',
        line: lineOf(text, '- fedora-rawhide'),
        column: 9,
        message:
          'tests target fedora-rawhide-x86_64 (from fedora-rawhide) is not among the targets of the copr_build job jobs[0] ' +
          '(fedora-41-x86_64, fedora-42-x86_64): packflow builds it there too, for these tests',
      },
    ]);
  });

  it('lists every chroot of an alias that is added in one note', () => {
    const r = load(
      'jobs:\n  - {job: copr_build, trigger: pull_request, targets: [fedora-rawhide]}\n  - {job: tests, trigger: pull_request, targets: [fedora-stable]}\n',
    );
    expect(r.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        'note',
        'tests targets fedora-41-x86_64, fedora-42-x86_64 (from fedora-stable) are not among the targets of the copr_build job jobs[0] ' +
          '(fedora-rawhide-x86_64): packflow builds them there too, for these tests',
      ],
    ]);
  });

  it('only warns when the tests target is a release the table no longer lists and the build uses an alias', () => {
    const r = load(
      'jobs:\n  - {job: copr_build, trigger: pull_request, targets: [fedora-all]}\n  - {job: tests, trigger: pull_request, targets: [fedora-40]}\n',
    );
    expect(r.config).toBeDefined();
    expect(r.diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['warning', 'jobs[1].targets[0]'],
      ['warning', 'jobs[1].targets[0]'],
    ]);
    expect(r.diagnostics[1].message).toMatch(
      /fedora-40 is not an active release in the release table, so fedora-all no longer includes it/,
    );
  });

  it('is quiet when either job leaves its targets to the other', () => {
    expect(
      load(
        'jobs:\n  - {job: copr_build, trigger: pull_request}\n  - {job: tests, trigger: pull_request, targets: [epel-9]}\n',
      ).diagnostics,
    ).toEqual([]);
    expect(
      load(
        'jobs:\n  - {job: copr_build, trigger: pull_request, targets: [epel-9]}\n  - {job: tests, trigger: pull_request}\n',
      ).diagnostics,
    ).toEqual([]);
  });
});

describe('depends', () => {
  it('is an error naming the cycle', () => {
    const text = `
packages:
  a:
    depends: [b]
  b:
    depends: [a]
  c:
    depends: [a]
`;
    expect(errors(text)).toEqual([
      expect.objectContaining({
        path: 'packages.b.depends[0]',
        line: lineOf(text, 'depends: [a]'),
        message: expect.stringContaining('depends cycle: a -> b -> a'),
      }),
    ]);
  });

  it('reports a longer cycle once, and unknown packages', () => {
    const e = errors('packages:\n  a: {depends: b}\n  b: {depends: [c]}\n  c: {depends: [a, zz]}\n');
    expect(e.map((d) => [d.path, d.message])).toEqual([
      ['packages.c.depends[0]', 'depends cycle: a -> b -> c -> a; packages cannot wait for each other'],
      ['packages.c.depends[1]', 'depends: unknown package "zz"; the packages of this file are a, b, c'],
    ]);
  });

  it('accepts a build order without cycles', () => {
    const r = load('packages:\n  common: {}\n  client: {depends: [common]}\n  cli: {depends: [client, common]}\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.config!.packages.map((p) => p.depends)).toEqual([[], ['common'], ['client', 'common']]);
  });
});
