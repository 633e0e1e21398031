// The job configuration as packflow reads it from `.packit.yaml`: packages with their
// inherited keys, and jobs expanded to one entry per trigger and package.
import type { JobType, Trigger } from './plan.types.js';

/** `note`: not a problem, something packflow does that the maintainer may not expect. */
export type Severity = 'error' | 'warning' | 'note';

/** One finding about a config file, located for the maintainer who has to fix it. */
export interface Diagnostic {
  severity: Severity;
  /** In words a maintainer understands, without the location (that is in the other fields). */
  message: string;
  file: string;
  /** 1-based line and column of the key or value the message is about. */
  line: number;
  column: number;
  /** Key path in the file, e.g. `jobs[3].targets[1]`; empty for the whole file. */
  path: string;
}

/** A job's trigger as configured: a planner trigger, or `ignore` (never runs). */
export type ConfiguredTrigger = Trigger | 'ignore';

/** One entry of `targets` or `dist_git_branches`, as written. */
export interface TargetSpec {
  /** `fedora-all-aarch64`, `epel-9`, `f41`… (aliases are resolved when planning). */
  name: string;
  /** Options from the map form (`additional_repos`, `distros`, `fast_forward_merge_into`…). */
  options: Record<string, unknown>;
  /** Where it is written: `jobs[2].targets[1]`, or `jobs[2].targets.fedora-rawhide` for the map form. */
  path: string;
}

export interface PackageConfig {
  /**
   * The key under `packages:`. A file without `packages:` has one package named by its
   * `downstream_package_name` (else `upstream_package_name`, else null).
   */
  name: string | null;
  /** Where the package is written (`packages.copr-cli`); empty for a single-package file. */
  path: string;
  /** Repository paths that belong to the package (`paths`, default the whole repository). */
  paths: string[];
  /** Packages whose builds come first (`depends`). */
  depends: string[];
  /** Top-level keys overridden by the package's keys (without `jobs` and `packages`). */
  options: Record<string, unknown>;
}

/** One configured job for one trigger and one package (`trigger: a | b` gives one per trigger). */
export interface JobConfig {
  /** Position in `PackitConfig.jobs`. */
  seq: number;
  /** Where the job is written: `jobs[3]`. */
  path: string;
  /** Index in the file's `jobs` list. */
  index: number;
  type: JobType;
  trigger: ConfiguredTrigger;
  package: string | null;
  identifier: string | null;
  /** `targets`, null when not configured (the planner then uses the job type's default). */
  targets: TargetSpec[] | null;
  /** `dist_git_branches`, null when not configured. */
  distGitBranches: TargetSpec[] | null;
  /** `branch`: a regular expression (Python syntax, matched at the start) for the branch or PR target branch. */
  branch: string | null;
  manualTrigger: boolean;
  skipBuild: boolean;
  /** `build_identifier` of a tests job: the identifier of the copr_build job it tests. */
  buildIdentifier: string | null;
  /** `labels` of a tests job, for `/packit test --labels`. */
  labels: string[];
  /** `require.label`: at least one of `present` must be on the PR, none of `absent`. */
  requireLabels: { present: string[]; absent: string[] };
  /** `packit_instances` (default `['prod']`). */
  instances: string[];
  /**
   * For a tests job that needs a build: the copr_build jobs (their `seq`) it may test. Several
   * only when their `branch` tells them apart, decided by the event; empty means packflow
   * builds for the tests itself, as Packit does for a tests job without a copr_build job.
   */
  buildCandidates: number[];
  /** Every key of the job after inheritance (top level <- package <- job), opaque ones included. */
  options: Record<string, unknown>;
  /** Where each key of `options` is written (`targets` -> `jobs[3].targets`, or a top-level path). */
  origins: Record<string, string>;
}

export interface PackitConfig {
  file: string;
  /** The file has `packages:`. */
  monorepo: boolean;
  packages: PackageConfig[];
  jobs: JobConfig[];
  /** The file has no `jobs` key, so Packit's default jobs apply. */
  defaultJobs: boolean;
}

export interface LoadResult {
  /** Absent when an error leaves nothing usable; present (with warnings) otherwise. */
  config?: PackitConfig;
  diagnostics: Diagnostic[];
}
