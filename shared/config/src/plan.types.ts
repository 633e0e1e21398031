// The plan: what the planner (this package) hands to the pipeline engine. A plan is a
// DAG of steps and edges, plus every configured job that will not run and why.

/** Job types of `.packit.yaml` (`build` is read as `copr_build`). */
export type JobType =
  | 'copr_build'
  | 'tests'
  | 'upstream_koji_build'
  | 'koji_build'
  | 'bodhi_update'
  | 'propose_downstream'
  | 'pull_from_upstream'
  | 'vm_image_build';

/** A step runs one job; `srpm_build` is the step every SRPM/RPM build chain starts from. */
export type StepJob = JobType | 'srpm_build';

export type Trigger = 'pull_request' | 'commit' | 'release' | 'koji_build';

export interface PlanStep {
  /** Unique within the plan and stable for the same input, e.g. `copr_build:python-foo:fedora`. */
  id: string;
  package: string | null;
  job: StepJob;
  identifier: string | null;
  trigger: Trigger;
  /** Chroots, test targets or dist-git branches; `['srpm-builds']` for SRPM builds. */
  targets: string[];
  /** The job's resolved options (owner, project, tmt_plan, fmf_url, status_name_template, …). */
  options: Record<string, unknown>;
  /** Where the job is written in the config (`jobs[3]`); absent for steps the planner adds (SRPM, implicit builds). */
  configPath?: string;
  /** The job has `manual_trigger: true` (it runs because a comment asked for it, or a test needs its build). */
  manualTrigger?: boolean;
  /** Options of single targets from the map form of `targets`, by resolved target (`additional_repos`, `distros`…). */
  targetOptions?: Record<string, Record<string, unknown>>;
  /**
   * Builds this step uses without waiting for them, because they already succeeded for this commit
   * (`/packit test` after a successful build). The engine links the existing build targets.
   */
  reuses?: ReusedBuild[];
  /** `/packit test namespace/repo#pr`: test the builds of that pull request instead of building. */
  buildsFrom?: string;
}

export interface ReusedBuild {
  job: StepJob;
  package: string | null;
  identifier: string | null;
  targets: string[];
}

/**
 * `to` waits for `from`. With `target`, only that target of `to` waits, and only for the
 * target of the same name in `from` (tests on fedora-41-x86_64 wait for that chroot).
 */
export interface PlanEdge {
  from: string;
  to: string;
  target: string | null;
}

export interface SkippedJob {
  job: string;
  package: string | null;
  identifier: string | null;
  /** In words a maintainer understands: `trigger is ignore`, `manual_trigger: only on /packit build`… */
  reason: string;
  /** Where the job is written in the config (`jobs[3]`). */
  configPath?: string;
  /** The trigger of the job (`pull_request`, `ignore`…). */
  trigger?: string;
}

export interface Plan {
  steps: PlanStep[];
  edges: PlanEdge[];
  skipped: SkippedJob[];
  /**
   * What the plan does that the config does not say, for the maintainer: a copr_build step
   * that also builds chroots its tests need (Packit's union of build and tests targets).
   * Absent when there is nothing to say.
   */
  notes?: string[];
}
