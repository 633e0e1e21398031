// Planning: (config, event, release table) -> the DAG of steps the engine runs, plus every
// configured job that does not run and why. Pure and deterministic: the same input gives
// the same plan, step ids included.
import type { Plan, PlanEdge, PlanStep, StepJob } from './plan.types.js';
import type { JobConfig, PackitConfig, TargetSpec } from './config.types.js';
import type { PlanEvent, StepResult } from './plan-event.types.js';
import { eventContext, eventSide, skipReason, type EventContext, type SelectInput } from './job.selector.js';
import type { ReleaseTable } from './release-table.loader.js';
import { addedForTests, resolveSpecs, targetKind } from './config.checker.js';
import { resolveTargets } from './target.resolver.js';
import { branchApplies, failedTargets, pickOptions, remember, skippedList, stableJson } from './plan.helpers.js';

export interface PlanOptions {
  /** Which Packit instance packflow answers for (`packit_instances`, `/packit-stg`); default `prod`. */
  instance?: string;
}

/** Keys that decide what the SRPM is: build jobs that differ in them get their own SRPM build. */
const SRPM_KEYS = [
  'actions',
  'specfile_path',
  'srpm_build_deps',
  'upstream_package_name',
  'downstream_package_name',
  'upstream_tag_template',
  'upstream_ref',
  'release_suffix',
  'update_release',
  'merge_pr_in_ci',
  'spec_source_id',
  'archive_root_dir_template',
  'sources',
  'parse_time_macros',
  'prerelease_suffix_pattern',
  'prerelease_suffix_macro',
  'paths',
];

/** Options that are the step's own fields, not passed on in `options`. */
const NOT_OPTIONS = new Set([
  'job',
  'trigger',
  'packages',
  'package',
  'metadata',
  'targets',
  'dist_git_branches',
  'identifier',
]);

interface Draft {
  key: string;
  step: PlanStep;
  /** For id collisions: what tells this step apart. */
  tiebreak: string;
}

export function plan(config: PackitConfig, event: PlanEvent, releases: ReleaseTable, options: PlanOptions = {}): Plan {
  const instance = options.instance ?? 'prod';
  const ctx = eventContext(event, instance);
  const input: SelectInput = { config, event, ctx, releases, instance };
  const b = new Builder(config, releases, instance);
  const skipped = new Map<number, string>();
  const mode = ctx.command?.spec.mode;

  for (const job of config.jobs) {
    const reason = skipReason(job, input);
    if (reason) skipped.set(job.seq, reason);
  }
  const selected = config.jobs.filter((j) => !skipped.has(j.seq));

  // Builds (and the other jobs that are not tests) first, in file order.
  for (const job of selected) {
    if (job.type === 'tests') continue;
    let targets = b.targetsOf(job);
    // A dist-git push is to one branch, a dist-git pull request into one: the downstream job runs for it only.
    // So is a Koji build's: it was built for (or tagged into the side tag of) one branch.
    if (eventSide(event) === 'dist-git' && (ctx.trigger !== 'pull_request' || ctx.command) && ctx.branch !== undefined)
      targets = [ctx.branch];
    if (ctx.command?.spec.failedOnly) {
      const failed = failedTargets(event, job, 'copr_build', targets);
      if (failed.length === 0) {
        skipped.set(job.seq, `${ctx.command?.text}: nothing of this build failed for this commit`);
        continue;
      }
      targets = failed;
    }
    if (job.type === 'copr_build') b.build(job, targets);
    else b.plain(job, targets);
  }

  // Tests: those selected, and after /packit build the tests that follow the builds it runs.
  const tests = config.jobs.filter((j) => j.type === 'tests' && (!skipped.has(j.seq) || mode === 'build'));
  for (const job of tests) {
    if (mode === 'build') {
      const reason = skipReason(job, input, true) ?? followerReason(job, b, ctx);
      if (reason) {
        skipped.set(job.seq, reason);
        continue;
      }
      skipped.delete(job.seq);
    }
    let targets = b.targetsOf(job);
    if (mode === 'test' && ctx.command?.spec.failedOnly) {
      targets = failedTargets(event, job, 'tests', targets);
      if (targets.length === 0) {
        skipped.set(job.seq, `${ctx.command?.text}: no test of this job failed for this commit`);
        continue;
      }
    }
    if (mode === 'build') {
      const built = b.stepTargets(b.chooseBuild(job, ctx));
      if (built) targets = targets.filter((t) => built.includes(t));
    }
    const lost = b.tests(job, targets, ctx, mode === 'test' ? event.succeeded : undefined);
    for (const reason of lost) skipped.set(job.seq, reason);
  }

  // A Koji build this plan makes finishes within it: the Bodhi updates of its branches follow it.
  for (const job of config.jobs) {
    if (job.type !== 'bodhi_update' || !skipped.has(job.seq) || job.options.sidetag_group) continue;
    if (job.trigger !== 'koji_build' && !(job.trigger === 'commit' && eventSide(event) === 'dist-git')) continue;
    if (job.manualTrigger || !job.instances.includes(instance)) continue;
    if (b.updateAfterKojiBuild(job)) skipped.delete(job.seq);
  }

  // Builds pulled in by tests run after all; they are not skipped.
  for (const seq of b.pulledBuilds) skipped.delete(seq);
  b.dependsEdges();
  const out: Plan = { ...b.finish(), skipped: skippedList(config, skipped, ctx) };
  const notes = b.notes();
  if (notes.length > 0) out.notes = notes;
  return out;
}

/** Why a tests job does not follow `/packit build`: it needs no build, or its build is not run. */
function followerReason(job: JobConfig, b: Builder, ctx: EventContext): string | undefined {
  if (job.skipBuild)
    return `skip_build is true: ${ctx.command?.text} runs builds, and this job needs none (/packit test runs it)`;
  const build = b.chooseBuild(job, ctx);
  if (build && !b.stepTargets(build))
    return `${ctx.command?.text} does not run ${build.path}, the build this job tests (/packit test runs both)`;
  return undefined;
}

class Builder {
  private readonly drafts: Draft[] = [];
  private readonly byKey = new Map<string, Draft>();
  private readonly edges: Array<{ from: string; to: string; target: string | null }> = [];
  /** copr_build jobs (seq) that run only because tests need them. */
  readonly pulledBuilds = new Set<number>();
  /** Steps by package that `depends` orders: SRPM builds, Copr builds, Koji builds. */
  private readonly buildKeys = new Map<string | null, string[]>();
  private readonly srpmKeys = new Map<string | null, string[]>();
  private readonly kojiKeys = new Map<string | null, string[]>();

  constructor(
    private readonly config: PackitConfig,
    private readonly releases: ReleaseTable,
    private readonly instance: string,
  ) {}

  /** The job's targets, resolved; defaults as Packit has them when not configured. */
  targetsOf(job: JobConfig): string[] {
    const { key, kind } = targetKind(job);
    const specs = job[key];
    if (specs) return [...resolveSpecs(specs, this.releases, kind).map((t) => t.value), ...this.addedFor(job)];
    switch (job.type) {
      case 'copr_build': {
        const fromTests = this.config.jobs
          .filter((t) => t.type === 'tests' && t.buildCandidates.includes(job.seq) && t.targets)
          .flatMap((t) => resolveSpecs(t.targets!, this.releases, 'chroot').map((x) => x.value));
        if (fromTests.length > 0) return [...new Set(fromTests)];
        // A custom Copr project without targets builds for the project's chroots: the engine asks Copr.
        if (job.options.owner && job.options.project) return [];
        return resolveTargets(['fedora-stable'], this.releases);
      }
      case 'tests': {
        const build = job.buildCandidates.length > 0 ? this.config.jobs[job.buildCandidates[0]] : undefined;
        return build?.targets ? this.targetsOf(build) : resolveTargets(['fedora-stable'], this.releases);
      }
      case 'upstream_koji_build':
        return resolveTargets(['fedora-stable'], this.releases, 'branch');
      case 'vm_image_build':
        return typeof job.options.copr_chroot === 'string' ? [job.options.copr_chroot] : [];
      default:
        return resolveTargets(['fedora-rawhide'], this.releases, 'branch');
    }
  }

  /**
   * Chroots a copr_build job builds for its tests jobs beyond its own targets (Packit built
   * the union of both): in file order, each once.
   */
  addedFor(job: JobConfig): string[] {
    if (job.type !== 'copr_build' || !job.targets) return [];
    const own = resolveSpecs(job.targets, this.releases, 'chroot').map((t) => t.value);
    const out: string[] = [];
    for (const tests of this.config.jobs) {
      if (tests.type !== 'tests' || tests.skipBuild || !tests.buildCandidates.includes(job.seq)) continue;
      for (const { value } of addedForTests(tests, job, this.releases))
        if (!own.includes(value) && !out.includes(value)) out.push(value);
    }
    return out;
  }

  /** A copr_build job's step and the SRPM build it starts from. */
  build(job: JobConfig, targets: string[]): string {
    const key = `job:${job.seq}`;
    const existing = this.byKey.get(key);
    if (existing) {
      for (const t of targets) if (!existing.step.targets.includes(t)) existing.step.targets.push(t);
      return key;
    }
    const srpm = this.srpm(job);
    this.add(key, this.stepOf(job, 'copr_build', targets), job.path);
    this.edges.push({ from: srpm, to: key, target: null });
    remember(this.buildKeys, job.package, key);
    return key;
  }

  /** Jobs other than copr_build and tests: one step; upstream_koji_build starts from an SRPM build too. */
  plain(job: JobConfig, targets: string[]): void {
    const key = `job:${job.seq}`;
    this.add(key, this.stepOf(job, job.type, targets), job.path);
    if (job.type === 'upstream_koji_build') this.edges.push({ from: this.srpm(job), to: key, target: null });
    if (job.type === 'upstream_koji_build' || job.type === 'koji_build') remember(this.kojiKeys, job.package, key);
  }

  /**
   * A bodhi_update job whose trigger is a finished Koji build, after the koji_build step of
   * its package in this plan, for the branches both have; false when there is none.
   */
  updateAfterKojiBuild(job: JobConfig): boolean {
    const build = (this.kojiKeys.get(job.package) ?? []).find((k) => this.byKey.get(k)!.step.job === 'koji_build');
    if (!build) return false;
    const built = this.byKey.get(build)!.step.targets;
    const targets = this.targetsOf(job).filter((t) => built.includes(t));
    if (targets.length === 0) return false;
    const key = `job:${job.seq}`;
    this.add(key, this.stepOf(job, 'bodhi_update', targets), job.path);
    for (const t of targets) this.edges.push({ from: build, to: key, target: t });
    return true;
  }

  /**
   * The copr_build job a tests job tests on this event: of its candidates, one whose
   * `branch` applies (an explicit branch before none); undefined when packflow builds for it.
   */
  chooseBuild(job: JobConfig, ctx: EventContext): JobConfig | undefined {
    const candidates = job.buildCandidates
      .map((seq) => this.config.jobs[seq])
      .filter((c) => c.instances.includes(this.instance) && branchApplies(c, ctx));
    return candidates.find((c) => c.branch !== null) ?? candidates[0];
  }

  /** The targets of the build job's step in this plan, undefined when it has none. */
  stepTargets(build: JobConfig | undefined): string[] | undefined {
    return build ? this.byKey.get(`job:${build.seq}`)?.step.targets : undefined;
  }

  /**
   * A tests job's step, with the build it waits for (per target) unless it skips the build
   * or the build already succeeded for this commit. Returns reasons for targets it lost.
   */
  tests(job: JobConfig, targets: string[], ctx: EventContext, succeeded: StepResult[] | undefined): string[] {
    const key = `job:${job.seq}`;
    const step = this.stepOf(job, 'tests', targets);
    const buildsFrom = ctx.command?.spec.mode === 'test' ? ctx.command.buildsFrom : undefined;
    if (job.skipBuild || buildsFrom) {
      if (buildsFrom && !job.skipBuild) step.buildsFrom = buildsFrom;
      this.add(key, step, job.path);
      return [];
    }
    const build = this.chooseBuild(job, ctx);
    const buildIdentifier = build ? build.identifier : null;
    const reused = targets.filter((t) =>
      succeeded?.some(
        (s) =>
          s.job === 'copr_build' && s.package === job.package && s.identifier === buildIdentifier && s.target === t,
      ),
    );
    const toBuild = targets.filter((t) => !reused.includes(t));
    let buildKey: string | undefined;
    if (toBuild.length > 0) {
      if (build) {
        const selected = this.byKey.has(`job:${build.seq}`);
        if (!selected) this.pulledBuilds.add(build.seq);
        const wanted = selected ? [] : succeeded ? toBuild : this.targetsOf(build);
        buildKey = this.build(build, wanted);
      } else {
        buildKey = this.implicitBuild(job, toBuild);
      }
    }
    const built = buildKey ? this.byKey.get(buildKey)!.step.targets : [];
    const lost = toBuild.filter((t) => !built.includes(t));
    step.targets = targets.filter((t) => !lost.includes(t));
    if (step.targets.length === 0) {
      return [`none of its targets (${targets.join(', ')}) is built by ${build?.path ?? 'a copr_build job'}`];
    }
    if (reused.length > 0)
      step.reuses = [{ job: 'copr_build', package: job.package, identifier: buildIdentifier, targets: reused }];
    this.add(key, step, job.path);
    for (const t of step.targets)
      if (buildKey && !reused.includes(t)) this.edges.push({ from: buildKey, to: key, target: t });
    return [];
  }

  /** Packit builds for a tests job that has no copr_build job; so does packflow, one build per package. */
  private implicitBuild(job: JobConfig, targets: string[]): string {
    const key = `implicit:${job.package ?? ''}`;
    const existing = this.byKey.get(key);
    if (existing) {
      for (const t of targets) if (!existing.step.targets.includes(t)) existing.step.targets.push(t);
      return key;
    }
    const srpm = this.srpm(job);
    const step: PlanStep = {
      id: '',
      package: job.package,
      job: 'copr_build',
      identifier: null,
      trigger: job.trigger as PlanStep['trigger'],
      targets: [...targets],
      options: { ...pickOptions(job.options, SRPM_KEYS), implicit_for_tests: true },
    };
    this.add(key, step, 'implicit');
    this.edges.push({ from: srpm, to: key, target: null });
    remember(this.buildKeys, job.package, key);
    return key;
  }

  /** One SRPM build per package and trigger, unless jobs change what goes into the SRPM. */
  private srpm(job: JobConfig): string {
    const srpmOptions = pickOptions(job.options, SRPM_KEYS);
    const key = `srpm:${job.package ?? ''}:${job.trigger}:${stableJson(srpmOptions)}`;
    if (!this.byKey.has(key)) {
      const step: PlanStep = {
        id: '',
        package: job.package,
        job: 'srpm_build',
        // One package of several: its SRPM check names it (`srpm-build:<package>`).
        identifier: this.config.packages.length > 1 ? job.package : null,
        trigger: job.trigger as PlanStep['trigger'],
        targets: ['srpm-builds'],
        options: srpmOptions,
      };
      this.add(key, step, job.identifier ?? job.path);
      remember(this.srpmKeys, job.package, key);
    }
    return key;
  }

  /**
   * `depends`: a package's SRPM build waits for its dependencies' Copr builds (their SRPM
   * builds when they have none): Copr builds the chroots in the SRPM's own build right after
   * the SRPM, so the SRPM is where a package's Copr build can wait. Its Copr and Koji builds
   * wait for theirs too, chroot by chroot (branch by branch) where both build it and as a
   * whole where they share none (a rerun of some chroots builds them anew). A dependency
   * that fails skips its dependents.
   */
  dependsEdges(): void {
    for (const pkg of this.config.packages) {
      for (const dep of pkg.depends) {
        const awaited = this.buildKeys.get(dep) ?? this.srpmKeys.get(dep) ?? [];
        for (const from of awaited)
          for (const to of this.srpmKeys.get(pkg.name) ?? []) this.edges.push({ from, to, target: null });
        this.targetEdges(this.buildKeys, dep, pkg.name);
        this.targetEdges(this.kojiKeys, dep, pkg.name);
      }
    }
  }

  private targetEdges(keys: Map<string | null, string[]>, dep: string, pkg: string | null): void {
    for (const from of keys.get(dep) ?? []) {
      for (const to of keys.get(pkg) ?? []) {
        const fromTargets = this.byKey.get(from)!.step.targets;
        const shared = this.byKey.get(to)!.step.targets.filter((t) => fromTargets.includes(t));
        if (shared.length === 0) this.edges.push({ from, to, target: null });
        for (const t of shared) this.edges.push({ from, to, target: t });
      }
    }
  }

  private stepOf(job: JobConfig, stepJob: StepJob, targets: string[]): PlanStep {
    const step: PlanStep = {
      id: '',
      package: job.package,
      job: stepJob,
      identifier: job.identifier,
      trigger: job.trigger as PlanStep['trigger'],
      targets: [...targets],
      options: Object.fromEntries(Object.entries(job.options).filter(([k]) => !NOT_OPTIONS.has(k))),
      configPath: job.path,
    };
    if (job.manualTrigger) step.manualTrigger = true;
    const targetOptions = this.targetOptions(job, targets);
    if (targetOptions) step.targetOptions = targetOptions;
    return step;
  }

  private targetOptions(job: JobConfig, targets: string[]): Record<string, Record<string, unknown>> | undefined {
    const { key, kind } = targetKind(job);
    const specs: TargetSpec[] = (job[key] ?? []).filter((s) => Object.keys(s.options).length > 0);
    if (specs.length === 0) return undefined;
    const out: Record<string, Record<string, unknown>> = {};
    for (const spec of specs) {
      for (const { value } of resolveSpecs([spec], this.releases, kind))
        if (targets.includes(value)) out[value] = spec.options;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }

  private add(key: string, step: PlanStep, tiebreak: string): void {
    const draft = { key, step, tiebreak };
    this.drafts.push(draft);
    this.byKey.set(key, draft);
  }

  /** What the plan does that its config does not say: build targets added for tests. Call after finish(). */
  notes(): string[] {
    const out: string[] = [];
    for (const d of this.drafts) {
      if (d.step.job !== 'copr_build' || !d.key.startsWith('job:')) continue;
      const job = this.config.jobs[Number(d.key.slice(4))];
      const added = this.addedFor(job).filter((t) => d.step.targets.includes(t));
      if (added.length > 0)
        out.push(
          `${d.step.id} also builds ${added.join(', ')}: not among the targets of ${job.path}, built for the tests that need ${added.length === 1 ? 'it' : 'them'}`,
        );
    }
    return out;
  }

  /**
   * Step ids: `<job>:<package>[:<identifier>]` (no identifier where it is the package's
   * name, as in a monorepo), with the config path added where two would be equal.
   */
  finish(): { steps: PlanStep[]; edges: PlanEdge[] } {
    const own = (step: PlanStep): string[] =>
      step.identifier !== null && step.identifier !== step.package ? [step.identifier] : [];
    const base = (d: Draft): string => [d.step.job, d.step.package ?? '-', ...own(d.step)].join(':');
    const count = new Map<string, number>();
    for (const d of this.drafts) count.set(base(d), (count.get(base(d)) ?? 0) + 1);
    const ids = new Map<string, string>();
    const used = new Set<string>();
    for (const d of this.drafts) {
      let id = base(d);
      if ((count.get(id) ?? 0) > 1) id = `${id}:${d.tiebreak}`;
      for (let n = 2; used.has(id); n++) id = `${base(d)}:${d.tiebreak}:${n}`;
      used.add(id);
      ids.set(d.key, id);
      d.step.id = id;
    }
    const seen = new Set<string>();
    const edges: PlanEdge[] = [];
    for (const e of this.edges) {
      const edge = { from: ids.get(e.from)!, to: ids.get(e.to)!, target: e.target };
      const k = `${edge.from}\u0000${edge.to}\u0000${edge.target}`;
      if (!seen.has(k)) {
        seen.add(k);
        edges.push(edge);
      }
    }
    return { steps: this.drafts.map((d) => d.step), edges };
  }
}
