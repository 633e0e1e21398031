// Real `.packit.yaml` files and real GitHub webhook bodies (../shared/fixtures): every
// config validates, and the plans for a pull request and its comments are what Packit
// users expect.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { PackflowError } from '@packflow/base';
import { sharedFixturesDir } from '@packflow/testing';
import {
  commentCommandIn,
  loadConfig,
  loadReleaseTable,
  plan,
  resolveTargets,
  type PackitConfig,
  type PlanEvent,
} from '@packflow/config';
import { planEventOfWebhook } from './plan.webhook.js';

const fixtures = sharedFixturesDir()!;
const configsDir = join(fixtures, 'packit-configs');
const webhooksDir = join(fixtures, 'webhooks', 'github');
const releases = loadReleaseTable();

const configFiles = readdirSync(configsDir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const webhookFiles = readdirSync(webhooksDir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function config(name: string): PackitConfig {
  const r = loadConfig(readFileSync(join(configsDir, name), 'utf8'), name, { releases });
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.config!;
}

/** A real webhook body, parsed by its forge driver and mapped as the worker maps it; throws when it plans nothing. */
function webhook(name: string): PlanEvent {
  return planEventOfWebhook(undefined, JSON.parse(readFileSync(join(webhooksDir, name), 'utf8')));
}

const prOpened = () => webhook('pr.json');

describe.each(configFiles)('%s', (file) => {
  it('validates', () => {
    const r = loadConfig(readFileSync(join(configsDir, file), 'utf8'), file, { releases });
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.config).toBeDefined();
  });

  it.each(webhookFiles)('plans for %s, or says why the event runs no job', (hook) => {
    let event: PlanEvent;
    try {
      event = webhook(hook);
    } catch (error) {
      expect(error).toBeInstanceOf(PackflowError);
      return;
    }
    const p = plan(config(file), event, releases);
    const ids = new Set(p.steps.map((s) => s.id));
    expect(ids.size).toBe(p.steps.length);
    for (const e of p.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
  });
});

describe('fedora-copr/copr: a monorepo whose jobs are all manual', () => {
  const copr = () => config('fedora-copr__copr.packit.yaml');
  const packages = [
    'python-copr',
    'python-copr-common',
    'copr-backend',
    'copr-dist-git',
    'copr-keygen',
    'copr-messaging',
    'copr-rpmbuild',
    'copr-selinux',
    'copr-cli',
    'copr-frontend',
  ];

  it('runs nothing when a pull request is opened, and says each job is manual', () => {
    const p = plan(copr(), prOpened(), releases);
    expect(p.steps).toEqual([]);
    expect(p.edges).toEqual([]);
    expect(p.skipped).toHaveLength(11);
    for (const s of p.skipped) expect(s.reason).toMatch(/^manual_trigger is true/);
  });

  it.each(['pr_comment_build.json', 'pr_comment_copr_build.json'])(
    '%s plans the SRPM and Copr builds of all ten packages, aliases expanded to the release table',
    (hook) => {
      const p = plan(copr(), webhook(hook), releases);
      const srpms = p.steps.filter((s) => s.job === 'srpm_build');
      const builds = p.steps.filter((s) => s.job === 'copr_build');
      expect(srpms.map((s) => s.package).sort()).toEqual([...packages].sort());
      expect(builds.map((s) => s.package).sort()).toEqual([...packages].sort());
      expect(p.steps).toHaveLength(20);
      for (const b of builds) {
        const srpm = srpms.find((s) => s.package === b.package)!;
        expect(srpm.targets).toEqual(['srpm-builds']);
        expect(p.edges).toContainEqual({ from: srpm.id, to: b.id, target: null });
      }
      const fedora = (arch: string) =>
        releases.releases.filter((r) => r.distro === 'fedora').map((r) => `fedora-${r.version}-${arch}`);
      const epel = releases.releases.filter((r) => r.distro === 'epel').map((r) => `epel-${r.version}-x86_64`);
      const targets = (pkg: string) => builds.find((b) => b.package === pkg)!.targets;
      expect(targets('copr-backend')).toEqual(fedora('x86_64'));
      expect(targets('python-copr')).toEqual([
        ...fedora('x86_64'),
        ...fedora('aarch64'),
        ...fedora('ppc64le'),
        ...epel,
      ]);
      expect(targets('copr-rpmbuild')).toEqual([
        ...fedora('x86_64'),
        ...fedora('aarch64'),
        ...fedora('ppc64le'),
        'epel-9-x86_64',
        'epel-8-x86_64',
      ]);
      expect(p.skipped.map((s) => [s.job, s.package])).toEqual([['tests', 'copr-frontend']]);
    },
  );

  it('/packit test runs the skip_build gating test of copr-frontend without a build', () => {
    const p = plan(
      copr(),
      { ...prOpened(), kind: 'comment', commentOn: 'pull_request', comment: commentCommandIn('/packit test') },
      releases,
    );
    expect(p.steps.map((s) => [s.id, s.targets, s.options.status_name_template])).toEqual([
      ['tests:copr-frontend', ['fedora-44-x86_64'], 'packit/testing-farm/gating/{package}'],
    ]);
    expect(p.edges).toEqual([]);
  });
});

describe('containers/podman', () => {
  it('lists the trigger: ignore jobs as skipped with that reason, and builds and tests podman-fedora', () => {
    const p = plan(config('containers__podman.packit.yaml'), prOpened(), releases);
    const ignored = p.skipped.filter((s) => s.reason === 'trigger is ignore: the job never runs');
    expect(ignored.map((s) => [s.job, s.package, s.identifier])).toEqual([
      // One package of several: a job without an identifier is identified by its package, as in Packit.
      ['copr_build', 'podman-eln', 'podman-eln'],
      ['copr_build', 'podman-centos', 'podman-centos'],
      ['tests', 'podman-fedora', 'cockpit-revdeps'],
      ['tests', 'podman-fedora', 'tmt-revdeps'],
    ]);
    expect(p.steps.map((s) => s.id)).toEqual([
      'srpm_build:podman-fedora',
      'copr_build:podman-fedora',
      'tests:podman-fedora',
    ]);
    const fedoraX86 = resolveTargets(['fedora-all'], releases);
    const tests = p.steps[2];
    expect(tests.targets).toEqual(fedoraX86);
    expect(p.edges.filter((e) => e.to === tests.id)).toEqual(
      fedoraX86.map((t) => ({ from: 'copr_build:podman-fedora', to: tests.id, target: t })),
    );
    expect(p.steps[1].targets).toEqual([...fedoraX86, ...resolveTargets(['fedora-all-aarch64'], releases)]);
  });
});

describe('rpm-software-management/mock', () => {
  it('builds both packages and tests mock on the latest stable Fedora after its build there', () => {
    const p = plan(config('rpm-software-management__mock.packit.yaml'), prOpened(), releases);
    const latestStable = resolveTargets(['fedora-latest-stable'], releases);
    expect(p.steps.map((s) => [s.id, s.targets])).toEqual([
      ['srpm_build:mock', ['srpm-builds']],
      ['copr_build:mock', [...resolveTargets(['fedora-rawhide'], releases), ...latestStable]],
      ['srpm_build:mock-core-configs', ['srpm-builds']],
      ['copr_build:mock-core-configs', [...resolveTargets(['fedora-rawhide'], releases), ...latestStable]],
      ['tests:mock', latestStable],
    ]);
    expect(p.edges).toContainEqual({ from: 'copr_build:mock', to: 'tests:mock', target: latestStable[0] });
  });

  it('runs nothing for a pull request labelled no-ci-builds (require.label.absent)', () => {
    const p = plan(
      config('rpm-software-management__mock.packit.yaml'),
      { ...prOpened(), labels: ['no-ci-builds'] },
      releases,
    );
    expect(p.steps).toEqual([]);
  });
});
