import type { ItemKind, TargetStatus } from '@packflow/core';

/** A target as the engine sees it (one chroot build, one test target, one SRPM build…). */
export interface TargetState {
  kind: ItemKind;
  id: string;
  groupId: string | null;
  target: string;
  attempt: number;
  status: TargetStatus;
  reason: string | null;
  externalId: string | null;
  idempotencyKey: string | null;
  webUrl: string | null;
  logUrl: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  deadlineAt: string | null;
  createdAt: string;
  data: Record<string, unknown> | null;
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

export interface PipelineState {
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

/** What an activity is asked to do for one target. */
export interface TargetTask {
  pipelineId: string;
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
}

export interface SubmitResult {
  externalId: string;
  webUrl?: string;
  logUrl?: string;
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
  stepId: string;
  job: string;
  target: TargetState;
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
