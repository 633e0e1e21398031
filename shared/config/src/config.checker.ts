// Checks across jobs and packages: which copr_build job each tests job tests
// (`build_identifier`), which tests targets its build adds (notes), that `depends` names
// packages and has no cycle. Sets JobConfig.buildCandidates.
import type { JobConfig, PackitConfig, TargetSpec } from './config.types.js';
import type { Reporter } from './config.reporter.js';
import type { ReleaseTable } from './release-table.loader.js';
import { resolveTarget, type TargetKind } from './target.resolver.js';
import { formatPath } from './yaml.reader.js';

export function checkConfig(config: PackitConfig, r: Reporter, releases: ReleaseTable | undefined): void {
  checkDepends(config, r);
  if (releases) checkTargetNames(config, r, releases);
  for (const tests of config.jobs) {
    if (tests.type !== 'tests' || tests.trigger === 'ignore' || tests.skipBuild) continue;
    tests.buildCandidates = bindBuild(config, tests, r, releases).map((b) => b.seq);
    if (releases) for (const seq of tests.buildCandidates) checkTestsBuilt(tests, config.jobs[seq], r, releases);
  }
}

/** The kind of names a job's targets are: chroots, or dist-git branches / Koji targets. */
export function targetKind(job: JobConfig): { key: 'targets' | 'distGitBranches'; kind: TargetKind } {
  if (job.type === 'copr_build' || job.type === 'tests' || job.type === 'vm_image_build')
    return { key: 'targets', kind: 'chroot' };
  if (job.type === 'upstream_koji_build') return { key: 'targets', kind: 'branch' };
  return { key: 'distGitBranches', kind: 'branch' };
}

/** Chroots of targets as written, each with the spec it came from. */
export function resolveSpecs(
  specs: TargetSpec[],
  releases: ReleaseTable,
  kind: TargetKind,
): Array<{ value: string; spec: TargetSpec }> {
  const out: Array<{ value: string; spec: TargetSpec }> = [];
  for (const spec of specs) {
    for (const value of resolveTarget(spec.name, releases, kind).values) {
      if (!out.some((o) => o.value === value)) out.push({ value, spec });
    }
  }
  return out;
}

function checkTargetNames(config: PackitConfig, r: Reporter, releases: ReleaseTable): void {
  for (const job of config.jobs) {
    const { key, kind } = targetKind(job);
    for (const spec of job[key] ?? []) {
      const { warning } = resolveTarget(spec.name, releases, kind);
      if (warning) r.warning(spec.path, warning);
    }
  }
}

/**
 * The copr_build jobs a tests job may test. With `build_identifier`, the one of that
 * identifier; otherwise those of the same package and trigger, narrowed to the one with
 * the tests job's identifier (both may have none) and then to those that build every
 * tests target. Several are fine only when their `branch` tells them apart.
 */
function bindBuild(
  config: PackitConfig,
  tests: JobConfig,
  r: Reporter,
  releases: ReleaseTable | undefined,
): JobConfig[] {
  const builds = config.jobs.filter(
    (b) =>
      b.type === 'copr_build' &&
      b.package === tests.package &&
      b.trigger === tests.trigger &&
      b.instances.some((i) => tests.instances.includes(i)),
  );
  const where = (key: string): string => tests.origins[key] || `${tests.path}.${key}`;
  let candidates: JobConfig[];
  if (tests.buildIdentifier !== null) {
    candidates = builds.filter((b) => b.identifier === tests.buildIdentifier);
    if (candidates.length === 0) {
      const ids = [
        ...new Set(config.jobs.filter((j) => j.type === 'copr_build' && j.identifier).map((j) => j.identifier)),
      ];
      const known =
        ids.length > 0
          ? `copr_build identifiers in this file: ${ids.join(', ')}`
          : 'no copr_build job has an identifier';
      r.error(
        where('build_identifier'),
        `build_identifier "${tests.buildIdentifier}": no copr_build job with that identifier runs on ${tests.trigger}${pkgText(tests)} (${known})`,
      );
      return [];
    }
  } else {
    candidates = builds;
    if (candidates.length > 1) {
      const same = candidates.filter((b) => b.identifier === tests.identifier);
      if (same.length > 0) candidates = same;
    }
    if (candidates.length > 1 && releases && tests.targets) {
      const covering = candidates.filter((b) => missingTargets(tests, b, releases).length === 0);
      if (covering.length > 0) candidates = covering;
    }
  }
  // Packit tests the builds of the first copr_build job of the trigger (and branch): so
  // does packflow where its own preferences leave several that one event could pick.
  const kept: JobConfig[] = [];
  for (const c of candidates) if (!kept.some((k) => branchesOverlap(k, c) && sameInstance(k, c, tests))) kept.push(c);
  const dropped = candidates.filter((c) => !kept.includes(c));
  if (dropped.length > 0) {
    const describe = (b: JobConfig): string =>
      `${b.path}${b.identifier ? ` (identifier ${b.identifier})` : ''}${b.branch ? ` (branch ${b.branch})` : ''}`;
    r.note(
      tests.buildIdentifier !== null ? where('build_identifier') : tests.path,
      `this tests job tests the builds of ${kept.map(describe).join(', ')}, the first copr_build job on ${tests.trigger}${pkgText(tests)}, as Packit does; ` +
        `${dropped.map(describe).join(', ')} also ${dropped.length === 1 ? 'builds' : 'build'} there: give that job an identifier and set build_identifier on this one to test it instead`,
    );
  }
  return kept;
}

/** Two build jobs both apply to one event: the same branch, or (pull requests) one for every branch. */
function branchesOverlap(a: JobConfig, b: JobConfig): boolean {
  if (a.branch === b.branch) return true;
  return a.trigger === 'pull_request' && (a.branch === null || b.branch === null);
}

/** Both build jobs run on a Packit instance the tests job runs on (prod and stg builds side by side are fine). */
function sameInstance(a: JobConfig, b: JobConfig, tests: JobConfig): boolean {
  return a.instances.some((i) => b.instances.includes(i) && tests.instances.includes(i));
}

function checkTestsBuilt(tests: JobConfig, build: JobConfig, r: Reporter, releases: ReleaseTable): void {
  const built = resolveSpecs(build.targets ?? [], releases, 'chroot').map((t) => t.value);
  const buildText = `the copr_build job ${build.path}${build.identifier ? ` (identifier ${build.identifier})` : ''}`;
  // One message per target as written: `fedora-all` may stand for several chroots that are not built.
  const bySpec = new Map<TargetSpec, string[]>();
  for (const { value, spec } of missingTargets(tests, build, releases))
    bySpec.set(spec, [...(bySpec.get(spec) ?? []), value]);
  for (const [spec, values] of bySpec) {
    const stale = staleRelease(spec, build, releases);
    if (stale) {
      // Written when the release was active: the build's alias no longer includes it. Not the maintainer's mistake.
      const aliases = build.targets!.filter((t) => resolveTarget(t.name, releases).alias !== null).map((t) => t.name);
      r.warning(
        spec.path,
        `tests target ${values.join(', ')} is not built by ${buildText}: ${stale} is not an active release in the release table, ` +
          `so ${aliases.join(', ')} no longer includes it; packflow does not test there`,
      );
      continue;
    }
    // Packit built the union of the build job's targets and its tests' targets: a config
    // written for that works here too. Said, because the build job does not list them.
    const what = values.length === 1 ? `tests target ${values[0]}` : `tests targets ${values.join(', ')}`;
    r.note(
      spec.path,
      `${what}${values.length > 1 || spec.name !== values[0] ? ` (from ${spec.name})` : ''} ${values.length === 1 ? 'is' : 'are'} not among the targets of ` +
        `${buildText} (${built.join(', ')}): packflow builds ${values.length === 1 ? 'it' : 'them'} there too, for these tests`,
    );
  }
}

/**
 * The tests targets (chroots) a copr_build job builds for a tests job of its, beyond its
 * own targets: those of `missingTargets` but releases the table no longer lists.
 */
export function addedForTests(
  tests: JobConfig,
  build: JobConfig,
  releases: ReleaseTable,
): Array<{ value: string; spec: TargetSpec }> {
  return missingTargets(tests, build, releases).filter(({ spec }) => !staleRelease(spec, build, releases));
}

/**
 * A tests target naming a release the table no longer lists (`fedora-42`) while the build
 * job builds that distribution through an alias (`fedora-all`): the release, e.g. `fedora-42`.
 */
function staleRelease(spec: TargetSpec, build: JobConfig, releases: ReleaseTable): string | undefined {
  const resolved = resolveTarget(spec.name, releases);
  if (resolved.alias !== null) return undefined;
  const m = /^([a-z][a-z-]*?)-(\d+(?:\.\d+)?)(?:-|$)/.exec(spec.name);
  if (!m || releases.releases.some((r) => r.distro === m[1] && r.version === m[2])) return undefined;
  const viaAlias = (build.targets ?? []).some((t) => resolveTarget(t.name, releases).alias?.startsWith(`${m[1]}-`));
  return viaAlias ? `${m[1]}-${m[2]}` : undefined;
}

/** Tests targets (chroots) the build job does not build; none when either leaves its targets to the other. */
export function missingTargets(
  tests: JobConfig,
  build: JobConfig,
  releases: ReleaseTable,
): Array<{ value: string; spec: TargetSpec }> {
  if (!tests.targets || !build.targets) return [];
  const built = new Set(resolveSpecs(build.targets, releases, 'chroot').map((t) => t.value));
  return resolveSpecs(tests.targets, releases, 'chroot').filter((t) => !built.has(t.value));
}

function checkDepends(config: PackitConfig, r: Reporter): void {
  const names = config.packages.map((p) => p.name);
  const graph = new Map<string, string[]>();
  for (const pkg of config.packages) {
    if (pkg.name === null) continue;
    const at = formatPath(['packages', pkg.name, 'depends']);
    const deps: string[] = [];
    pkg.depends.forEach((dep, i) => {
      if (dep === pkg.name) r.error(`${at}[${i}]`, `package ${pkg.name} depends on itself`);
      else if (!names.includes(dep))
        r.error(`${at}[${i}]`, `depends: unknown package "${dep}"; the packages of this file are ${names.join(', ')}`);
      else if (!deps.includes(dep)) deps.push(dep);
    });
    graph.set(pkg.name, deps);
  }
  // Depth-first search in file order; each cycle is reported once, at the package where it is found.
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of graph.get(name) ?? []) {
      if (state.get(dep) === 'visiting') {
        const cycle = [...stack.slice(stack.indexOf(dep)), dep];
        const key = [...cycle.slice(0, -1)].sort().join(' ');
        if (!reported.has(key)) {
          reported.add(key);
          const i = config.packages.find((p) => p.name === name)?.depends.indexOf(dep) ?? 0;
          r.error(
            formatPath(['packages', name, 'depends', i]),
            `depends cycle: ${cycle.join(' -> ')}; packages cannot wait for each other`,
          );
        }
      } else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of graph.keys()) if (!state.has(name)) visit(name);
}

function pkgText(job: JobConfig): string {
  return job.package !== null ? ` for package ${job.package}` : '';
}
