import type { ItemKind, ProjectView, TargetState, TargetStatus } from '@packflow/core';

/** A target as the engine sees it: the one read model of a target, from @packflow/core. */
export type { TargetState };

/**
 * What activities and reporters need to know about the pipeline a target belongs to,
 * read with the engine's state in the same statement (no second read of the pipeline).
 */
export interface PipelineContext {
  id: string;
  project: ProjectView;
  ref: { kind: string; name: string };
  commitSha: string;
}

export interface StepState {
  id: string;
  key: string;
  job: string;
  package: string | null;
  identifier: string | null;
  status: TargetStatus;
  options: Record<string, unknown> | null;
  rerunOf: string | null;
  /** The targets this step counts. */
  targets: TargetState[];
}

export interface EdgeState {
  from: string;
  to: string;
  target: string | null;
}

export interface PipelineState extends PipelineContext {
  id: string;
  projectId: string;
  commitId: string;
  eventId: string | null;
  trigger: string;
  strategy: 'supersede' | 'independent';
  status: TargetStatus;
  rerunOf: string | null;
  steps: StepState[];
  edges: EdgeState[];
}

/** Results arriving from outside: a build or test started or ended. */
export type SignalState = 'started' | 'success' | 'failure' | 'error';

export interface Signal {
  state: SignalState;
  reason?: string;
  webUrl?: string;
  logUrl?: string;
  /** Details kept with the target (merged into its `data`). */
  data?: Record<string, unknown>;
  at?: Date;
}

/**
 * How a result names its target: the kind and the external id (Copr build id, Testing
 * Farm request id, Koji task id), plus the target name when one external id covers
 * several targets (a Copr build's chroots).
 */
export interface ExternalRef {
  kind: ItemKind;
  externalId: string;
  target?: string;
}

/** A step that waits for a task's step (e.g. the Copr build after an SRPM build). */
export interface NextStep {
  id: string;
  job: string;
  package: string | null;
  /** Its target names. */
  targets: string[];
}

/** What an activity is asked to do for one target. */
export interface TargetTask {
  pipelineId: string;
  /** The project, ref and commit of the pipeline. */
  pipeline: PipelineContext;
  stepId: string;
  job: string;
  package: string | null;
  identifier: string | null;
  options: Record<string, unknown>;
  target: TargetState;
  /** (pipeline, step, target, attempt): the same key for every try of the same work. */
  idempotencyKey: string;
  /** The predecessor targets this one waited for (e.g. the SRPM for a Copr build, the chroot build for tests). */
  inputs: TargetState[];
  /** The steps that wait for this task's step. */
  next: NextStep[];
}

export interface SubmitResult {
  externalId: string;
  webUrl?: string;
  logUrl?: string;
  /**
   * The result, when the activity finished its work within submit (a git push, a merge
   * request opened): applied as a signal right after the submit is recorded. A crash in
   * between leaves the target queued with its external id, for `poll` to answer again.
   */
  done?: Signal;
}

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  backoffFactor: number;
  maxDelayMs: number;
}

/**
 * The side effects of one job type, Temporal-style: each call has a timeout and a retry
 * policy. `submit` gets the targets of one step that became ready together (a Copr build
 * covers several chroots) and must be idempotent by `idempotencyKey`.
 */
export interface ActivityDefinition {
  submit(tasks: TargetTask[]): Promise<SubmitResult[]>;
  cancel?(task: TargetTask): Promise<void>;
  /** Asks the external system for the state of a target whose result has not come. */
  poll?(task: TargetTask): Promise<Signal | undefined>;
  /** Time limit of one call. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** A queued/running target without news for this long is polled. */
  pollAfterMs: number;
  /** No result this long after queueing: `error`, `timed out`. */
  finalDeadlineMs: number;
}

/** One change of a target's status, for reporting (check runs, commit statuses, dashboard). */
export interface TargetChange {
  pipelineIds: string[];
  /** The newest of those pipelines (the one a report links to). */
  pipeline: PipelineContext;
  stepId: string;
  job: string;
  /** The step's package (one of a monorepo's; null in a repository of one), identifier and resolved options (status name template, notifications…). */
  package: string | null;
  identifier: string | null;
  options: Record<string, unknown>;
  target: TargetState;
  /**
   * The first report of a pipeline its decision created (started or rerun): no status
   * naming this pipeline can be on the forge yet, so none needs looking for.
   */
  firstReport?: boolean;
}

export interface EngineActivities {
  /** By step job (`srpm_build`, `copr_build`, `tests`, …); `default` for the rest. */
  jobs: Partial<Record<string, ActivityDefinition>>;
  /** Called after each commit with the targets whose status changed. */
  report?(changes: TargetChange[]): Promise<void>;
}

export interface StartContext {
  projectId: string;
  commitId: string;
  eventId?: string | null;
  trigger: string;
  /** `supersede` (default for pull requests) cancels unfinished pipelines of older commits of the same ref. */
  strategy?: 'supersede' | 'independent';
}

export interface SignalOutcome {
  applied: boolean;
  /** Why it was not applied: `unknown target`, `target already success`, … */
  note?: string;
  targetId?: string;
}
