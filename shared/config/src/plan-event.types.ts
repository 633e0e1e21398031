// What planning needs to know about an event. planEventOf (plan-event.mapper.ts) builds it
// from a typed event, for the worker and `packflow plan` alike; the engine adds what
// already ran for the commit, for `/packit test` and the `-failed` commands.
import type { StepJob } from './plan.types.js';

/** `push` is a branch push (a commit trigger); a `release` is a published release (GitHub) or a Release Hook (GitLab). */
export type EventKind = 'pull_request' | 'push' | 'release' | 'comment' | 'koji_build';

/** A `/packit …` comment, parsed. */
export interface CommentCommand {
  /** `build`, `copr-build`, `test`, `retest-failed`, `rebuild-failed`, `propose-downstream`… */
  command: string;
  /** Every word after the command, as written. */
  args: string[];
  /** `--identifier X` / `--id X`. */
  identifier?: string;
  /** `--package NAME`: only this package of a monorepo. */
  package?: string;
  /** `--labels a,b`: tests jobs with one of these labels. */
  labels?: string[];
  /** `--commit BRANCH` / `--release TAG` on a commit comment. */
  commit?: string;
  release?: string;
  /** `--koji-target TARGET` of a Koji build command. */
  kojiTarget?: string;
  /** `--version X` of `/packit pull-from-upstream`. */
  version?: string;
  /** `namespace/repo#123` of `/packit test`: test that pull request's builds. */
  buildsFrom?: string;
  /** `/packit-stg …` addresses the staging instance. */
  instance: 'prod' | 'stg';
}

/** One target of an earlier step for the same commit. */
export interface StepResult {
  job: StepJob;
  package: string | null;
  /** The identifier of the job (for a copr_build, the build job's identifier). */
  identifier: string | null;
  /** A chroot, test target or branch; `srpm-builds` for an SRPM build. */
  target: string;
}

/**
 * A person as Packit's accounts lists read them (allowed_committers, allowed_pr_authors,
 * allowed_builders): their login, the `@groups` of the lists they belong to, their role on
 * the dist-git project (`owner`, `admin`, `commit`, `collaborator`, `ticket`, `none`) and,
 * when known, the login this service acts as there (what the `packit` entry names).
 */
export interface AccountFacts {
  login: string;
  groups: string[];
  role: string;
  service?: string;
}

/**
 * Who a dist-git push is by, as koji_build's allowed_committers and allowed_pr_authors read
 * it: the author of the merged pull request the pushed commit came from, or the committer
 * of a direct push.
 */
export interface PushedBy extends AccountFacts {
  via: 'push' | 'pull_request';
  pullRequest?: number;
}

export interface PlanEvent {
  kind: EventKind;
  /**
   * The branch the event is about: a pull request's target branch, a pushed branch, the
   * dist-git branch of a dist-git push. Unknown (e.g. a comment payload without it): no
   * job is left out for its branch.
   */
  branch?: string;
  /** The repository's default branch: where `commit` jobs without `branch` run. */
  defaultBranch?: string;
  /** The tag of a release. */
  tag?: string;
  /** Labels of the pull request (for `require.label`); unknown when absent. */
  labels?: string[];
  /** Files the pull request or push changed (for `paths`); unknown when absent. */
  changedFiles?: string[];
  /** For a comment: what it was written on. */
  commentOn?: 'pull_request' | 'issue' | 'commit';
  /** For a comment: the `/packit` command in it, if any. */
  comment?: CommentCommand;
  /** Targets that already succeeded for this commit (builds `/packit test` can reuse). */
  succeeded?: StepResult[];
  /** Targets that failed for this commit (for `/packit retest-failed` and `rebuild-failed`). */
  failed?: StepResult[];
  /** A dist-git push: who it is by (unknown: koji_build leaves no push out for it). */
  pushedBy?: PushedBy;
  /** Where it happened: the upstream repository (default) or a Fedora dist-git repository. */
  repository?: 'upstream' | 'dist-git';
  /**
   * For a Koji build: the `sidetag_group` of the side tag it was tagged into. Unset: a
   * build that finished (in its branch's target), which no sidetag_group job takes.
   */
  sidetagGroup?: string;
}
