import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import type { PackitConfig } from './config.types.js';
import { commentCommandIn } from './plan-event.mapper.js';
import type { PlanEvent } from './plan-event.types.js';
import { plan } from './plan.planner.js';
import type { Plan } from './plan.types.js';
import { testReleases } from './testing.releases.js';

const releases = testReleases();

function config(text: string): PackitConfig {
  const r = loadConfig(text, '.packit.yaml', { releases });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.config!;
}

const pr: PlanEvent = { kind: 'pull_request', branch: 'main', defaultBranch: 'main', labels: [] };
const comment = (text: string, extra: Partial<PlanEvent> = {}): PlanEvent => ({
  kind: 'comment',
  commentOn: 'pull_request',
  branch: 'main',
  defaultBranch: 'main',
  comment: commentCommandIn(text),
  ...extra,
});

const ids = (p: Plan) => p.steps.map((s) => s.id);
const edges = (p: Plan) => p.edges.map((e) => `${e.from} -> ${e.to}${e.target ? ` @${e.target}` : ''}`);
const skipped = (p: Plan) =>
  p.skipped.map(
    (s) => `${s.job}${s.package ? ` ${s.package}` : ''}${s.identifier ? ` ${s.identifier}` : ''}: ${s.reason}`,
  );

const BUILD_AND_TEST = `
downstream_package_name: foo
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-stable, epel-9]
  - job: tests
    trigger: pull_request
    targets: [fedora-latest-stable]
  - job: copr_build
    trigger: commit
  - job: propose_downstream
    trigger: release
    dist_git_branches: [fedora-all, epel-all]
`;

describe('plan: which jobs run for which event', () => {
  it('runs the pull_request jobs of a pull request: SRPM -> Copr build -> tests per chroot', () => {
    const p = plan(config(BUILD_AND_TEST), pr, releases);
    expect(p.steps.map((s) => [s.id, s.job, s.trigger, s.targets])).toEqual([
      ['srpm_build:foo', 'srpm_build', 'pull_request', ['srpm-builds']],
      ['copr_build:foo', 'copr_build', 'pull_request', ['fedora-41-x86_64', 'fedora-42-x86_64', 'epel-9-x86_64']],
      ['tests:foo', 'tests', 'pull_request', ['fedora-42-x86_64']],
    ]);
    expect(edges(p)).toEqual(['srpm_build:foo -> copr_build:foo', 'copr_build:foo -> tests:foo @fedora-42-x86_64']);
    expect(skipped(p)).toEqual([
      'copr_build foo: trigger is commit (runs on pushes to a branch); this is a pull request',
      'propose_downstream foo: trigger is release (runs on releases); this is a pull request',
    ]);
  });

  it('is deterministic: the same input gives the same plan', () => {
    const c = config(BUILD_AND_TEST);
    expect(plan(c, pr, releases)).toEqual(plan(c, pr, releases));
  });

  it('runs commit jobs on pushes to the default branch, or to the branch they name (a regex matched at the start)', () => {
    const c = config(`
jobs:
  - {job: copr_build, trigger: commit}
  - {job: copr_build, trigger: commit, branch: "release-.*", identifier: rel}
`);
    expect(ids(plan(c, { kind: 'push', branch: 'main', defaultBranch: 'main' }, releases))).toEqual([
      'srpm_build:-',
      'copr_build:-',
    ]);
    const rel = plan(c, { kind: 'push', branch: 'release-1.2', defaultBranch: 'main' }, releases);
    expect(ids(rel)).toEqual(['srpm_build:-', 'copr_build:-:rel']);
    expect(skipped(rel)).toEqual([
      'copr_build: runs on pushes to the default branch main (no branch set); this push is to release-1.2',
    ]);
    expect(skipped(plan(c, { kind: 'push', branch: 'feature', defaultBranch: 'main' }, releases))[1]).toBe(
      'copr_build rel: branch is release-.*; this push is to feature',
    );
  });

  it('runs release jobs on releases, with aliases resolved to dist-git branches', () => {
    const p = plan(config(BUILD_AND_TEST), { kind: 'release', tag: '1.0' }, releases);
    expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
      ['propose_downstream:foo', ['f41', 'f42', 'f43', 'rawhide', 'epel9', 'epel10']],
    ]);
    expect(p.edges).toEqual([]);
  });

  it('never runs trigger: ignore jobs, and says so', () => {
    const p = plan(config('jobs:\n  - {job: tests, trigger: ignore, identifier: template}\n'), pr, releases);
    expect(p.steps).toEqual([]);
    expect(p.skipped).toEqual([
      {
        job: 'tests',
        package: null,
        identifier: 'template',
        reason: 'trigger is ignore: the job never runs',
        configPath: 'jobs[0]',
        trigger: 'ignore',
      },
    ]);
  });

  it('with trigger "a | b", reports no wrong-trigger skip for the variant the event does not run', () => {
    const p = plan(config('jobs:\n  - {job: copr_build, trigger: pull_request | commit}\n'), pr, releases);
    expect(ids(p)).toEqual(['srpm_build:-', 'copr_build:-']);
    expect(p.skipped).toEqual([]);
  });

  it('leaves manual_trigger jobs to comments', () => {
    const c = config('jobs:\n  - {job: copr_build, trigger: pull_request, manual_trigger: true}\n');
    expect(skipped(plan(c, pr, releases))).toEqual([
      'copr_build: manual_trigger is true: runs only from a /packit build comment',
    ]);
    const p = plan(c, comment('/packit build'), releases);
    expect(ids(p)).toEqual(['srpm_build:-', 'copr_build:-']);
    expect(p.steps[1].manualTrigger).toBe(true);
  });

  it('runs skip_build tests without a build', () => {
    const p = plan(
      config(
        'jobs:\n  - {job: copr_build, trigger: pull_request}\n  - {job: tests, trigger: pull_request, skip_build: true, targets: [fedora-rawhide]}\n',
      ),
      pr,
      releases,
    );
    expect(ids(p)).toEqual(['srpm_build:-', 'copr_build:-', 'tests:-']);
    expect(edges(p)).toEqual(['srpm_build:- -> copr_build:-']);
  });

  it('builds for a tests job that has no copr_build job, as Packit does', () => {
    const p = plan(
      config(
        'downstream_package_name: foo\njobs:\n  - {job: tests, trigger: pull_request, targets: [fedora-rawhide]}\n',
      ),
      pr,
      releases,
    );
    expect(p.steps.map((s) => [s.id, s.targets, s.options.implicit_for_tests ?? null])).toEqual([
      ['srpm_build:foo', ['srpm-builds'], null],
      ['copr_build:foo', ['fedora-rawhide-x86_64'], true],
      ['tests:foo', ['fedora-rawhide-x86_64'], null],
    ]);
    expect(edges(p)).toEqual([
      'srpm_build:foo -> copr_build:foo',
      'copr_build:foo -> tests:foo @fedora-rawhide-x86_64',
    ]);
  });

  it('gates on require.label of the pull request', () => {
    const c = config(`
jobs:
  - job: copr_build
    trigger: pull_request
    require: {label: {present: [ci, full-ci], absent: [wip]}}
`);
    expect(skipped(plan(c, { ...pr, labels: [] }, releases))).toEqual([
      'copr_build: require.label.present: needs one of the labels ci, full-ci on the pull request',
    ]);
    expect(skipped(plan(c, { ...pr, labels: ['ci', 'wip'] }, releases))).toEqual([
      'copr_build: require.label.absent: the pull request has the label wip',
    ]);
    expect(ids(plan(c, { ...pr, labels: ['full-ci'] }, releases))).toEqual(['srpm_build:-', 'copr_build:-']);
  });

  it('runs only the packages whose paths a change touches', () => {
    const c = config(`
packages:
  common: {paths: [./common]}
  cli: {paths: [cli]}
jobs:
  - {job: copr_build, trigger: pull_request}
`);
    const p = plan(c, { ...pr, changedFiles: ['cli/main.py', 'README.md'] }, releases);
    expect(ids(p)).toEqual(['srpm_build:cli', 'copr_build:cli']);
    expect(skipped(p)).toEqual([
      'copr_build common common: paths unchanged: no changed file is under ./common (package common)',
    ]);
    expect(ids(plan(c, pr, releases))).toHaveLength(4);
  });

  it('leaves out jobs of another Packit instance, and dist-git jobs on upstream events', () => {
    const c = config(`
jobs:
  - {job: copr_build, trigger: pull_request, packit_instances: [stg]}
  - {job: koji_build, trigger: commit, dist_git_branches: [fedora-all]}
`);
    expect(skipped(plan(c, pr, releases))).toEqual([
      'copr_build: packit_instances is stg: not for this (prod) instance',
      "koji_build: koji_build runs on Fedora dist-git and Koji events, not on the upstream repository's",
    ]);
    expect(ids(plan(c, pr, releases, { instance: 'stg' }))).toEqual(['srpm_build:-', 'copr_build:-']);
    const distGit = plan(c, { kind: 'push', branch: 'f42', repository: 'dist-git' }, releases);
    expect(distGit.steps.map((s) => [s.id, s.targets])).toEqual([['koji_build:-', ['f42']]]);
    expect(skipped(plan(c, { kind: 'push', branch: 'epel9', repository: 'dist-git' }, releases))).toContain(
      'koji_build: dist-git branch epel9 is not one of dist_git_branches (f41, f42, f43, rawhide)',
    );
  });
});

describe('plan: downstream events', () => {
  it('creates Bodhi updates when a Koji build finishes, for the configured branches', () => {
    const c = config(
      'jobs:\n  - {job: bodhi_update, trigger: koji_build, dist_git_branches: [fedora-branched]}\n  - {job: copr_build, trigger: pull_request}\n',
    );
    const p = plan(c, { kind: 'koji_build' }, releases);
    expect(p.steps.map((s) => [s.id, s.trigger, s.targets])).toEqual([
      ['bodhi_update:-', 'koji_build', ['f41', 'f42', 'f43']],
    ]);
    expect(skipped(p)).toEqual(['copr_build: copr_build runs on upstream repository events, not on dist-git ones']);
  });
});

describe('plan: dist-git pushes', () => {
  const KOJI_AND_BODHI = `
jobs:
  - {job: koji_build, trigger: commit, dist_git_branches: [fedora-branched, fedora-rawhide]}
  - {job: bodhi_update, trigger: koji_build, dist_git_branches: [fedora-branched]}
`;

  it('follows the Koji build of a push with the Bodhi update of that branch', () => {
    const p = plan(config(KOJI_AND_BODHI), { kind: 'push', branch: 'f42', repository: 'dist-git' }, releases);
    expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
      ['koji_build:-', ['f42']],
      ['bodhi_update:-', ['f42']],
    ]);
    expect(edges(p)).toEqual(['koji_build:- -> bodhi_update:- @f42']);
    expect(p.skipped).toEqual([]);
  });

  it('makes no update of a branch bodhi_update does not name (rawhide has no updates here)', () => {
    const p = plan(config(KOJI_AND_BODHI), { kind: 'push', branch: 'rawhide', repository: 'dist-git' }, releases);
    expect(ids(p)).toEqual(['koji_build:-']);
    expect(skipped(p)).toHaveLength(1);
  });
});

describe('plan: Packit bodhi_update with trigger commit', () => {
  const COMMIT = `
jobs:
  - {job: koji_build, trigger: commit, dist_git_branches: [f42]}
  - {job: bodhi_update, trigger: commit, dist_git_branches: [f42]}
`;

  it('follows the Koji build of a push, and runs on a finished Koji build of the branch, never on the push alone', () => {
    const push = plan(config(COMMIT), { kind: 'push', branch: 'f42', repository: 'dist-git' }, releases);
    expect(edges(push)).toEqual(['koji_build:- -> bodhi_update:- @f42']);
    const built = plan(config(COMMIT), { kind: 'koji_build', branch: 'f42', repository: 'dist-git' }, releases);
    expect(built.steps.map((s) => [s.id, s.targets])).toEqual([['bodhi_update:-', ['f42']]]);
    const other = plan(config(COMMIT), { kind: 'koji_build', branch: 'f41', repository: 'dist-git' }, releases);
    expect(skipped(other)).toContain('bodhi_update: dist-git branch f41 is not one of dist_git_branches (f42)');
  });
});

describe('plan: sidetag groups', () => {
  const GROUP = `
jobs:
  - {job: koji_build, trigger: commit, sidetag_group: g, dependents: [bar], dist_git_branches: [f41, f42]}
  - {job: koji_build, trigger: koji_build, sidetag_group: g, dist_git_branches: [f41, f42], identifier: dep}
  - {job: bodhi_update, trigger: koji_build, sidetag_group: g, dependencies: [foo], dist_git_branches: [f41, f42]}
`;
  const tagged = (group: string, branch = 'f42'): PlanEvent => ({
    kind: 'koji_build',
    branch,
    repository: 'dist-git',
    sidetagGroup: group,
  });

  it('a push builds into the group, and its update does not follow the build: it waits for the side tag', () => {
    const p = plan(config(GROUP), { kind: 'push', branch: 'f42', repository: 'dist-git' }, releases);
    expect(p.steps.map((s) => [s.id, s.targets, s.options.sidetag_group])).toEqual([['koji_build:-', ['f42'], 'g']]);
    expect(skipped(p)).toContain(
      "bodhi_update: sidetag_group is g: the update is made when the group's builds are tagged into its side tag",
    );
  });

  it("a build tagged into the group's side tag runs the group's koji_build trigger jobs for that branch", () => {
    const p = plan(config(GROUP), tagged('g'), releases);
    expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
      ['koji_build:-:dep', ['f42']],
      ['bodhi_update:-', ['f42']],
    ]);
    expect(p.steps[1].options.dependencies).toEqual(['foo']);
    expect(p.edges).toEqual([]);
  });

  it("runs nothing for another group's side tag, nor for a build that finished outside a side tag", () => {
    expect(ids(plan(config(GROUP), tagged('other'), releases))).toEqual([]);
    expect(skipped(plan(config(GROUP), tagged('other'), releases))).toContain(
      'bodhi_update: sidetag_group is g; the build was tagged into the side tag of other',
    );
    const finished = plan(config(GROUP), { kind: 'koji_build', branch: 'f42', repository: 'dist-git' }, releases);
    expect(ids(finished)).toEqual([]);
    expect(skipped(finished)).toContain(
      "bodhi_update: sidetag_group is g: runs when builds are tagged into the group's side tag",
    );
  });
});

describe('plan: comment commands', () => {
  const MANUAL = `
downstream_package_name: foo
jobs:
  - {job: copr_build, trigger: pull_request, targets: [fedora-stable], manual_trigger: true}
  - {job: tests, trigger: pull_request, identifier: smoke, targets: [fedora-41]}
  - {job: tests, trigger: pull_request, identifier: full, targets: [fedora-stable], manual_trigger: true, labels: [slow]}
  - {job: tests, trigger: pull_request, identifier: lint, skip_build: true}
`;

  it('/packit build runs the builds and the tests that follow them, not manual or skip_build ones', () => {
    const p = plan(config(MANUAL), comment('/packit build'), releases);
    expect(ids(p)).toEqual(['srpm_build:foo', 'copr_build:foo', 'tests:foo:smoke']);
    expect(skipped(p)).toEqual([
      'tests foo full: manual_trigger is true: runs only from a /packit test comment',
      'tests foo lint: skip_build is true: /packit build runs builds, and this job needs none (/packit test runs it)',
    ]);
    expect(ids(plan(config(MANUAL), comment('/packit copr-build'), releases))).toEqual(ids(p));
  });

  it('/packit test runs the tests and the builds they need, unless those already succeeded', () => {
    const c = config(MANUAL);
    const all = plan(c, comment('/packit test'), releases);
    expect(ids(all)).toEqual([
      'srpm_build:foo',
      'copr_build:foo',
      'tests:foo:smoke',
      'tests:foo:full',
      'tests:foo:lint',
    ]);
    expect(edges(all)).toEqual([
      'srpm_build:foo -> copr_build:foo',
      'copr_build:foo -> tests:foo:smoke @fedora-41-x86_64',
      'copr_build:foo -> tests:foo:full @fedora-41-x86_64',
      'copr_build:foo -> tests:foo:full @fedora-42-x86_64',
    ]);
    expect(all.skipped).toEqual([]);

    const built = ['fedora-41-x86_64', 'fedora-42-x86_64'].map((target) => ({
      job: 'copr_build' as const,
      package: 'foo',
      identifier: null,
      target,
    }));
    const reuse = plan(c, comment('/packit test --identifier full', { succeeded: built }), releases);
    expect(ids(reuse)).toEqual(['tests:foo:full']);
    expect(reuse.edges).toEqual([]);
    expect(reuse.steps[0].reuses).toEqual([
      { job: 'copr_build', package: 'foo', identifier: null, targets: ['fedora-41-x86_64', 'fedora-42-x86_64'] },
    ]);
    expect(skipped(reuse)).toContain(
      "tests foo smoke: /packit test asks for identifier full; this job's identifier is smoke",
    );

    const partly = plan(c, comment('/packit test --identifier full', { succeeded: built.slice(0, 1) }), releases);
    expect(partly.steps.map((s) => [s.id, s.targets])).toEqual([
      ['srpm_build:foo', ['srpm-builds']],
      ['copr_build:foo', ['fedora-42-x86_64']],
      ['tests:foo:full', ['fedora-41-x86_64', 'fedora-42-x86_64']],
    ]);
    expect(edges(partly)).toContain('copr_build:foo -> tests:foo:full @fedora-42-x86_64');
    expect(edges(partly)).not.toContain('copr_build:foo -> tests:foo:full @fedora-41-x86_64');
  });

  it("/packit test --labels picks tests jobs by label; namespace/repo#pr tests another PR's builds", () => {
    expect(ids(plan(config(MANUAL), comment('/packit test --labels slow,x'), releases))).toEqual([
      'srpm_build:foo',
      'copr_build:foo',
      'tests:foo:full',
    ]);
    const other = plan(config(MANUAL), comment('/packit test --id smoke packit/ogr#12'), releases);
    expect(other.steps.map((s) => [s.id, s.buildsFrom])).toEqual([['tests:foo:smoke', 'packit/ogr#12']]);
  });

  it('/packit retest-failed and rebuild-failed rerun only what failed for the commit', () => {
    const c = config(MANUAL);
    const failed = [
      { job: 'tests' as const, package: 'foo', identifier: 'full', target: 'fedora-42-x86_64' },
      { job: 'copr_build' as const, package: 'foo', identifier: null, target: 'fedora-41-x86_64' },
    ];
    const succeeded = [{ job: 'copr_build' as const, package: 'foo', identifier: null, target: 'fedora-42-x86_64' }];
    const retest = plan(c, comment('/packit retest-failed', { failed, succeeded }), releases);
    expect(retest.steps.map((s) => [s.id, s.targets])).toEqual([['tests:foo:full', ['fedora-42-x86_64']]]);
    expect(skipped(retest)).toContain(
      'tests foo smoke: /packit retest-failed: no test of this job failed for this commit',
    );

    const rebuild = plan(c, comment('/packit rebuild-failed', { failed }), releases);
    expect(rebuild.steps.map((s) => [s.id, s.targets])).toEqual([
      ['srpm_build:foo', ['srpm-builds']],
      ['copr_build:foo', ['fedora-41-x86_64']],
      ['tests:foo:smoke', ['fedora-41-x86_64']],
    ]);
  });

  describe('a tests target its copr_build job does not list: built there too (the union), with a note', () => {
    const UNION = `
downstream_package_name: foo
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-41]
  - job: tests
    trigger: pull_request
    targets: [fedora-41, fedora-rawhide]
`;

    it('on a pull request: the build builds both, the tests wait for each, the plan says so', () => {
      const p = plan(config(UNION), pr, releases);
      expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
        ['srpm_build:foo', ['srpm-builds']],
        ['copr_build:foo', ['fedora-41-x86_64', 'fedora-rawhide-x86_64']],
        ['tests:foo', ['fedora-41-x86_64', 'fedora-rawhide-x86_64']],
      ]);
      expect(edges(p)).toContain('copr_build:foo -> tests:foo @fedora-rawhide-x86_64');
      expect(p.notes).toEqual([
        'copr_build:foo also builds fedora-rawhide-x86_64: not among the targets of jobs[0], built for the tests that need it',
      ]);
    });

    it('/packit build builds the union and the tests follow on every target', () => {
      const p = plan(config(UNION), comment('/packit build'), releases);
      expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
        ['srpm_build:foo', ['srpm-builds']],
        ['copr_build:foo', ['fedora-41-x86_64', 'fedora-rawhide-x86_64']],
        ['tests:foo', ['fedora-41-x86_64', 'fedora-rawhide-x86_64']],
      ]);
    });

    it('/packit rebuild-failed rebuilds an added chroot that failed, and nothing else', () => {
      const failed = [
        { job: 'copr_build' as const, package: 'foo', identifier: null, target: 'fedora-rawhide-x86_64' },
      ];
      const p = plan(config(UNION), comment('/packit rebuild-failed', { failed }), releases);
      expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
        ['srpm_build:foo', ['srpm-builds']],
        ['copr_build:foo', ['fedora-rawhide-x86_64']],
        ['tests:foo', ['fedora-rawhide-x86_64']],
      ]);
    });

    it('a plan whose builds list every tests target has no notes', () => {
      expect(plan(config(BUILD_AND_TEST), pr, releases).notes).toBeUndefined();
    });
  });

  it('--package limits a monorepo to one package', () => {
    const c = config('packages:\n  a: {}\n  b: {}\njobs:\n  - {job: copr_build, trigger: pull_request}\n');
    const p = plan(c, comment('/packit build --package b'), releases);
    expect(ids(p)).toEqual(['srpm_build:b', 'copr_build:b']);
    expect(skipped(p)).toEqual(['copr_build a a: --package b leaves out package a']);
    expect(skipped(plan(c, comment('/packit build --package zz'), releases))[0]).toBe(
      'copr_build a a: --package zz: no such package (packages: a, b)',
    );
  });

  it('runs nothing for a comment without a command, /packit help, or another instance', () => {
    const c = config(BUILD_AND_TEST);
    for (const [text, reason] of [
      ['thanks!', 'the comment has no /packit command'],
      ['/packit help', '/packit help runs no job'],
      ['/packit-stg build', 'the comment addresses the stg instance (/packit-stg)'],
    ]) {
      const p = plan(c, comment(text), releases);
      expect(p.steps).toEqual([]);
      expect(new Set(p.skipped.map((s) => s.reason))).toEqual(new Set([reason]));
    }
  });

  it('/packit propose-downstream on an issue runs the release jobs', () => {
    const p = plan(config(BUILD_AND_TEST), comment('/packit propose-downstream', { commentOn: 'issue' }), releases);
    expect(ids(p)).toEqual(['propose_downstream:foo']);
  });
});

describe('plan: monorepos and step ids', () => {
  it('makes copr builds wait for the packages they depend on, chroot by chroot where both build it', () => {
    const c = config(`
packages:
  common: {}
  client: {depends: [common]}
  el: {depends: [common]}
jobs:
  - {job: copr_build, trigger: pull_request, packages: [common], targets: [fedora-41, fedora-42]}
  - {job: copr_build, trigger: pull_request, packages: [client], targets: [fedora-42, fedora-rawhide]}
  - {job: copr_build, trigger: pull_request, packages: [el], targets: [epel-9]}
`);
    const p = plan(c, pr, releases);
    expect(edges(p).filter((e) => !e.startsWith('srpm'))).toEqual([
      'copr_build:common -> srpm_build:client',
      'copr_build:common -> copr_build:client @fedora-42-x86_64',
      'copr_build:common -> srpm_build:el',
      'copr_build:common -> copr_build:el',
    ]);
    const alone = plan(c, comment('/packit build --package client'), releases);
    expect(edges(alone)).toEqual(['srpm_build:client -> copr_build:client']);
  });

  it("makes a package's SRPM wait for the Copr builds of the packages it depends on, its Koji builds for theirs", () => {
    const c = config(`
packages:
  b: {}
  a: {depends: [b]}
jobs:
  - {job: copr_build, trigger: pull_request, targets: [fedora-42]}
  - {job: upstream_koji_build, trigger: pull_request}
`);
    const p = plan(c, pr, releases);
    const cross = edges(p).filter((e) => e.includes(':b') && e.includes(':a'));
    expect(cross).toEqual([
      'copr_build:b -> srpm_build:a',
      'copr_build:b -> copr_build:a @fedora-42-x86_64',
      'upstream_koji_build:b -> upstream_koji_build:a @f41',
      'upstream_koji_build:b -> upstream_koji_build:a @f42',
    ]);
    // b itself waits for nothing of a's.
    expect(p.edges.filter((e) => e.to.endsWith(':b') && e.from.endsWith(':a'))).toEqual([]);
  });

  it("makes a dependent package's build wait for the whole build of its dependency when they share no chroot", () => {
    const c = config(`
packages:
  b: {}
  a: {depends: [b]}
jobs:
  - {job: copr_build, trigger: pull_request, packages: [b], targets: [fedora-42]}
  - {job: copr_build, trigger: pull_request, packages: [a], targets: [epel-9]}
`);
    const p = plan(c, pr, releases);
    expect(edges(p)).toEqual([
      'srpm_build:b -> copr_build:b',
      'srpm_build:a -> copr_build:a',
      'copr_build:b -> srpm_build:a',
      'copr_build:b -> copr_build:a',
    ]);
  });

  it('keeps step ids unique: identifiers, then the config path when two jobs would share an id', () => {
    const c = config(`
jobs:
  - {job: copr_build, trigger: pull_request, owner: a}
  - {job: copr_build, trigger: pull_request, owner: b}
  - {job: copr_build, trigger: pull_request, identifier: x}
`);
    const p = plan(c, pr, releases);
    expect(ids(p)).toEqual(['srpm_build:-', 'copr_build:-:jobs[0]', 'copr_build:-:jobs[1]', 'copr_build:-:x']);
    expect(new Set(ids(p)).size).toBe(p.steps.length);
  });

  it('gives build jobs that change the SRPM (actions, specfile_path…) their own SRPM build', () => {
    const c = config(`
specfile_path: a.spec
jobs:
  - {job: copr_build, trigger: pull_request}
  - {job: copr_build, trigger: pull_request, identifier: alt, specfile_path: alt/a.spec}
`);
    const p = plan(c, pr, releases);
    expect(ids(p)).toEqual(['srpm_build:-:jobs[0]', 'copr_build:-', 'srpm_build:-:alt', 'copr_build:-:alt']);
    expect(edges(p)).toEqual(['srpm_build:-:jobs[0] -> copr_build:-', 'srpm_build:-:alt -> copr_build:-:alt']);
  });

  it('passes job options and per-target options on to the engine', () => {
    const c = config(`
jobs:
  - job: copr_build
    trigger: pull_request
    owner: "@me"
    project: foo
    targets:
      epel-9: {additional_repos: [copr://x/y]}
      fedora-rawhide: {}
`);
    const build = plan(c, pr, releases).steps[1];
    expect(build.options).toMatchObject({ owner: '@me', project: 'foo' });
    expect(build.options).not.toHaveProperty('targets');
    expect(build.targetOptions).toEqual({ 'epel-9-x86_64': { additional_repos: ['copr://x/y'] } });
    expect(build.configPath).toBe('jobs[0]');
  });
});
