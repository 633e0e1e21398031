import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import type { Diagnostic, PackitConfig } from './config.types.js';

const load = (text: string) => loadConfig(text, '.packit.yaml');

function valid(text: string): PackitConfig {
  const r = load(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  expect(r.config).toBeDefined();
  return r.config!;
}

function only(r: { diagnostics: Diagnostic[] }, severity: 'error' | 'warning'): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === severity);
}

describe('loadConfig: the forms Packit accepts', () => {
  it('reads a single-package file; the package is named by downstream_package_name', () => {
    const c = valid(`
specfile_path: foo.spec
downstream_package_name: python-foo
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-all]
`);
    expect(c.monorepo).toBe(false);
    expect(c.packages.map((p) => p.name)).toEqual(['python-foo']);
    expect(c.packages[0].paths).toEqual(['.']);
    expect(c.jobs).toHaveLength(1);
    expect(c.jobs[0]).toMatchObject({
      type: 'copr_build',
      trigger: 'pull_request',
      package: 'python-foo',
      path: 'jobs[0]',
    });
    expect(c.jobs[0].targets).toEqual([{ name: 'fedora-all', options: {}, path: 'jobs[0].targets[0]' }]);
    expect(c.jobs[0].options.specfile_path).toBe('foo.spec');
  });

  it('accepts targets as one string, and as a map of target -> options', () => {
    const c = valid(`
jobs:
  - job: copr_build
    trigger: pull_request
    targets: fedora-rawhide
  - job: copr_build
    trigger: commit
    targets:
      centos-stream-9-x86_64:
        additional_repos: ["https://example.org/repo"]
      fedora-rawhide-x86_64: {}
      epel-9:
`);
    expect(c.jobs[0].targets!.map((t) => t.name)).toEqual(['fedora-rawhide']);
    expect(c.jobs[1].targets).toEqual([
      {
        name: 'centos-stream-9-x86_64',
        options: { additional_repos: ['https://example.org/repo'] },
        path: 'jobs[1].targets.centos-stream-9-x86_64',
      },
      { name: 'fedora-rawhide-x86_64', options: {}, path: 'jobs[1].targets.fedora-rawhide-x86_64' },
      { name: 'epel-9', options: {}, path: 'jobs[1].targets.epel-9' },
    ]);
  });

  it('folds the old metadata: sub-key into the job, with a deprecation warning; job keys win', () => {
    const r = load(`
jobs:
  - job: propose_downstream
    trigger: release
    metadata:
      dist_git_branch: fedora-all
  - job: copr_build
    trigger: commit
    branch: main
    metadata:
      targets: [fedora-stable]
      branch: ignored-because-job-level-wins
      owner: me
`);
    expect(only(r, 'error')).toEqual([]);
    const [propose, build] = r.config!.jobs;
    expect(propose.distGitBranches!.map((t) => t.name)).toEqual(['fedora-all']);
    expect(build.branch).toBe('main');
    expect(build.targets!.map((t) => t.name)).toEqual(['fedora-stable']);
    expect(build.targets![0].path).toBe('jobs[1].metadata.targets[0]');
    expect(build.options.owner).toBe('me');
    expect(only(r, 'warning').map((d) => d.path)).toEqual(
      expect.arrayContaining(['jobs[0].metadata', 'jobs[0].metadata.dist_git_branch', 'jobs[1].metadata']),
    );
  });

  it('reads job: build as copr_build and makes one job per trigger of "a | b"', () => {
    const c = valid(`
jobs:
  - job: build
    trigger: pull_request | commit
`);
    expect(c.jobs.map((j) => [j.type, j.trigger, j.seq, j.index])).toEqual([
      ['copr_build', 'pull_request', 0, 0],
      ['copr_build', 'commit', 1, 0],
    ]);
  });

  it('inherits top-level keys into packages and package keys into jobs; job keys win', () => {
    const c = valid(`
specfile_path: top.spec
srpm_build_deps: [make]
packages:
  a:
    specfile_path: a.spec
    paths: [./a]
  b:
    paths: b/
jobs:
  - job: copr_build
    trigger: pull_request
    srpm_build_deps: [git]
  - job: tests
    trigger: pull_request
    packages: [b]
`);
    expect(c.monorepo).toBe(true);
    expect(c.packages.map((p) => [p.name, p.paths])).toEqual([
      ['a', ['./a']],
      ['b', ['b/']],
    ]);
    const [buildA, buildB, testsB] = c.jobs;
    expect([buildA.package, buildB.package, testsB.package]).toEqual(['a', 'b', 'b']);
    expect(buildA.options.specfile_path).toBe('a.spec');
    expect(buildB.options.specfile_path).toBe('top.spec');
    expect(buildA.options.srpm_build_deps).toEqual(['git']);
    expect(testsB.options.srpm_build_deps).toEqual(['make']);
    expect(buildA.origins.specfile_path).toBe('packages.a.specfile_path');
    expect(buildB.origins.specfile_path).toBe('specfile_path');
    expect(buildA.origins.srpm_build_deps).toBe('jobs[0].srpm_build_deps');
  });

  it('resolves YAML anchors and merge keys as the real files use them; explicit keys win', () => {
    const c = valid(`
jobs:
  - <<: &pr_build
      job: copr_build
      trigger: pull_request
      targets: [fedora-rawhide]
  - <<: *pr_build
    trigger: commit
    branch: main
`);
    expect(c.jobs.map((j) => [j.trigger, j.branch, j.targets!.map((t) => t.name)])).toEqual([
      ['pull_request', null, ['fedora-rawhide']],
      ['commit', 'main', ['fedora-rawhide']],
    ]);
  });

  it('reads YAML 1.1 booleans (manual_trigger: yes) and the flags of a job', () => {
    const c = valid(`
require:
  label:
    present: [ci]
    absent: [wip, hold]
jobs:
  - job: tests
    trigger: pull_request
    manual_trigger: yes
    skip_build: true
    identifier: '2'
    labels: [upgrade]
    packit_instances: [stg]
`);
    expect(c.jobs[0]).toMatchObject({
      manualTrigger: true,
      skipBuild: true,
      identifier: '2',
      labels: ['upgrade'],
      instances: ['stg'],
      requireLabels: { present: ['ci'], absent: ['wip', 'hold'] },
    });
  });

  it("gives a file without jobs Packit's default jobs, and jobs: [] none", () => {
    const c = valid('specfile_path: x.spec\n');
    expect(c.defaultJobs).toBe(true);
    expect(c.jobs.map((j) => `${j.type}/${j.trigger}`)).toEqual([
      'copr_build/pull_request',
      'tests/pull_request',
      'propose_downstream/release',
    ]);
    expect(valid('jobs: []\n').jobs).toEqual([]);
  });

  it('warns about unknown keys (kept as options) and accepts every key real configs use', () => {
    const text = `
specfile_path: fedora/foo.spec
files_to_sync: [foo.spec, {src: a, dest: b}]
upstream_package_name: foo
downstream_package_name: foo
upstream_tag_template: v{version}
srpm_build_deps: [make]
notifications:
  pull_request:
    successful_build: true
sync_changelog: true
actions:
  post-upstream-clone: make spec
  create-archive: [make tarball]
packit_instances: [prod, stg]
jobs:
  - job: tests
    trigger: pull_request
    tmt_plan: /plans/smoke
    fmf_path: tests
    fmf_url: https://example.org/tests.git
    env: {A: b}
    use_internal_tf: true
    tf_extra_params: {environments: []}
  - job: copr_build
    trigger: commit
    owner: me
    project: foo
    preserve_project: true
    additional_repos: [copr://me/deps]
    module_hotfixes: true
    enable_net: true
    list_on_homepage: false
    trigerr: typo
`;
    const r = load(text);
    expect(only(r, 'error')).toEqual([]);
    const line = text.split('\n').findIndex((l) => l.includes('trigerr')) + 1;
    expect(only(r, 'warning').map((d) => [d.path, d.line, d.column])).toEqual([['jobs[1].trigerr', line, 5]]);
    expect(r.config!.jobs[1].options.trigerr).toBe('typo');
  });
});

describe('loadConfig: broken files give located errors and never throw', () => {
  it('bad YAML: the line and column of the syntax error', () => {
    const r = load('jobs:\n  - job: copr_build\n    trigger: [pull_request\n');
    expect(r.config).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ severity: 'error', file: '.packit.yaml' });
    expect(r.diagnostics[0].message).toMatch(/^YAML syntax/);
    expect(r.diagnostics[0].line).toBeGreaterThanOrEqual(3);
  });

  it('unknown job type: at jobs[N].job, listing the job types', () => {
    const r = load(
      'jobs:\n  - job: copr_build\n    trigger: pull_request\n  - job: coprbuild\n    trigger: pull_request\n',
    );
    expect(r.config).toBeUndefined();
    expect(only(r, 'error')).toEqual([
      expect.objectContaining({
        path: 'jobs[1].job',
        line: 4,
        column: 10,
        message: expect.stringContaining('unknown job type "coprbuild"'),
      }),
    ]);
    expect(only(r, 'error')[0].message).toContain('copr_build, tests');
  });

  it('missing and unknown triggers', () => {
    const r = load('jobs:\n  - job: tests\n  - job: tests\n    trigger: pull_request | merge\n');
    expect(only(r, 'error').map((d) => [d.path, d.line])).toEqual([
      ['jobs[0]', 2],
      ['jobs[1].trigger', 4],
    ]);
    expect(only(r, 'error')[1].message).toContain('unknown trigger "merge"');
  });

  it('a job naming a package the file does not define', () => {
    const r = load('packages:\n  a: {}\njobs:\n  - job: copr_build\n    trigger: pull_request\n    packages: [a, b]\n');
    expect(only(r, 'error')).toEqual([
      expect.objectContaining({
        path: 'jobs[0].packages[1]',
        line: 6,
        message: 'unknown package "b"; the packages of this file are a',
      }),
    ]);
  });

  it('wrong value types say what was expected and what was found', () => {
    const r = load(
      'jobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: 5\n    manual_trigger: maybe\n',
    );
    expect(only(r, 'error').map((d) => [d.path, d.message])).toEqual([
      ['jobs[0].targets', 'targets: expected a list of targets or a mapping of target -> options, got the number 5'],
      ['jobs[0].manual_trigger', 'manual_trigger: expected true or false, got "maybe"'],
    ]);
  });

  it('a top level that is not a mapping, and an empty file', () => {
    expect(load('- a\n- b\n').diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 1,
        column: 1,
        message: expect.stringContaining('got a list'),
      }),
    ]);
    const empty = load('');
    expect(empty.config?.defaultJobs).toBe(true);
    expect(only(empty, 'warning')).toHaveLength(1);
  });

  it('a repeated key is a warning and the last one wins, as PyYAML reads it', () => {
    const r = load('jobs:\n  - job: copr_build\n    trigger: commit\n    trigger: pull_request\n');
    expect(r.config!.jobs[0].trigger).toBe('pull_request');
    expect(only(r, 'warning')).toEqual([expect.objectContaining({ path: 'jobs[0].trigger', line: 4 })]);
  });
});
