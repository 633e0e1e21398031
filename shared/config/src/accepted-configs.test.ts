// Hand-written configs in the odd forms Packit accepts (test-fixtures/accepted): each must
// load without errors and plan, for every kind of event, a well-formed DAG.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import { commentCommandIn } from './plan-event.mapper.js';
import type { PlanEvent } from './plan-event.types.js';
import { plan } from './plan.planner.js';
import type { Plan } from './plan.types.js';
import { loadReleaseTable } from './release-table.loader.js';
import { resolveTargets } from './target.resolver.js';

const dir = fileURLToPath(new URL('../test-fixtures/accepted/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const releases = loadReleaseTable();

const onPr = (text: string, extra: Partial<PlanEvent> = {}): PlanEvent => ({
  kind: 'comment',
  commentOn: 'pull_request',
  branch: 'main',
  defaultBranch: 'main',
  labels: [],
  comment: commentCommandIn(text),
  ...extra,
});

const EVENTS: Record<string, PlanEvent> = {
  'pull request': { kind: 'pull_request', branch: 'main', defaultBranch: 'main', labels: [] },
  'labelled pull request': {
    kind: 'pull_request',
    branch: 'main',
    defaultBranch: 'main',
    labels: ['ci'],
    changedFiles: ['lib/x.c'],
  },
  'push to main': { kind: 'push', branch: 'main', defaultBranch: 'main', changedFiles: ['README.md'] },
  'push to a branch': { kind: 'push', branch: 'stable-2', defaultBranch: 'main' },
  release: { kind: 'release', tag: '1.2.0', defaultBranch: 'main' },
  'release candidate': { kind: 'release', tag: '1.3.0rc1' },
  'dist-git push': { kind: 'push', branch: 'rawhide', repository: 'dist-git' },
  'koji build': { kind: 'koji_build', repository: 'dist-git' },
  '/packit build': onPr('/packit build'),
  '/packit test': onPr('/packit test'),
  '/packit test --labels full': onPr('/packit test --labels full'),
  '/packit retest-failed': onPr('/packit retest-failed', { failed: [], succeeded: [] }),
  '/packit rebuild-failed': onPr('/packit rebuild-failed'),
  '/packit propose-downstream': onPr('/packit propose-downstream', { commentOn: 'issue' }),
  '/packit vm-image-build': onPr('/packit vm-image-build'),
  '/packit upstream-koji-build': onPr('/packit upstream-koji-build'),
  '/packit help': onPr('/packit help'),
};

function expectWellFormed(p: Plan): void {
  const byId = new Map(p.steps.map((s) => [s.id, s]));
  expect(byId.size).toBe(p.steps.length);
  for (const e of p.edges) {
    expect(byId.has(e.from) && byId.has(e.to)).toBe(true);
    if (e.target !== null) {
      expect(byId.get(e.from)!.targets).toContain(e.target);
      expect(byId.get(e.to)!.targets).toContain(e.target);
    }
  }
  for (const s of p.steps) {
    if (s.job === 'copr_build' || s.job === 'upstream_koji_build') {
      expect(p.edges.some((e) => e.to === s.id && byId.get(e.from)!.job === 'srpm_build')).toBe(true);
    }
  }
  for (const s of p.skipped) expect(s.reason).toMatch(/\w/);
}

describe.each(files)('%s', (file) => {
  const result = loadConfig(readFileSync(`${dir}${file}`, 'utf8'), file, { releases });

  it('loads without errors', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.config).toBeDefined();
  });

  it.each(Object.keys(EVENTS))('plans a well-formed DAG for a %s', (name) => {
    const p = plan(result.config!, EVENTS[name], releases);
    expectWellFormed(p);
    expect(p.steps.length + p.skipped.length).toBeGreaterThan(0);
  });
});

describe('what the odd forms mean', () => {
  const load = (file: string) => loadConfig(readFileSync(`${dir}${file}`, 'utf8'), file, { releases });

  it('legacy: metadata keys, job aliases and retired jobs', () => {
    const r = load('legacy-metadata.packit.yaml');
    expect(r.config!.jobs.map((j) => j.type)).toEqual([
      'copr_build',
      'tests',
      'propose_downstream',
      'upstream_koji_build',
    ]);
    expect(r.config!.packages[0].options.upstream_package_name).toBe('legacy');
    const warned = r.diagnostics.map((d) => d.path);
    expect(warned).toEqual(
      expect.arrayContaining([
        'upstream_project_name',
        'synced_files',
        'jobs[0].metadata',
        'jobs[3].job',
        'jobs[4].job',
      ]),
    );
  });

  it('monorepo: the lib and cli builds wait for the common one, chroot by chroot', () => {
    const p = plan(load('monorepo-depends.packit.yaml').config!, EVENTS['pull request'], releases);
    const waits = p.edges
      .filter((e) => e.from === 'copr_build:suite-common' && e.to === 'copr_build:suite-lib')
      .map((e) => e.target);
    expect(waits).toEqual(p.steps.find((s) => s.id === 'copr_build:suite-common')!.targets);
    const changed = plan(load('monorepo-depends.packit.yaml').config!, EVENTS['labelled pull request'], releases);
    expect(changed.steps.map((s) => s.id)).toEqual(['srpm_build:suite-lib', 'copr_build:suite-lib']);
  });

  it('prod and stg builds side by side do not make the tests job ambiguous', () => {
    const p = plan(load('custom-copr.packit.yaml').config!, EVENTS['pull request'], releases);
    expect(p.steps.map((s) => s.id)).toEqual(['srpm_build:custom', 'copr_build:custom', 'tests:custom']);
  });

  it('cockpit (real, as upstream has it): its revdeps tests target is built by the first copr_build job, with notes', () => {
    const r = load('cockpit.packit.yaml');
    expect(r.diagnostics.map((d) => [d.severity, d.path])).toEqual([
      ['note', 'jobs[1]'],
      ['note', 'jobs[1].targets[0]'],
    ]);
    const latestStable = resolveTargets(['fedora-latest-stable'], releases);
    expect(r.diagnostics[1].message).toContain(`tests target ${latestStable[0]} (from fedora-latest-stable)`);

    const p = plan(r.config!, EVENTS['pull request'], releases);
    const build = p.steps.find((s) => s.configPath === 'jobs[2]')!;
    const own = resolveTargets(
      [
        'fedora-43',
        'fedora-44',
        'fedora-latest-aarch64',
        'fedora-rawhide',
        'centos-stream-9-x86_64',
        'centos-stream-9-aarch64',
        'centos-stream-10-x86_64',
      ],
      releases,
    );
    // The union: its own targets, then the one its revdeps tests need.
    expect(build.targets).toEqual([...own, ...latestStable.filter((t) => !own.includes(t))]);
    const revdeps = p.steps.find((s) => s.identifier === 'revdeps')!;
    expect(revdeps.targets).toEqual(latestStable);
    expect(p.edges).toContainEqual({ from: build.id, to: revdeps.id, target: latestStable[0] });
    expect(p.notes).toEqual([
      `${build.id} also builds ${latestStable[0]}: not among the targets of jobs[2], built for the tests that need it`,
    ]);
  });
});
