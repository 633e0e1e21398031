// What createEngine takes: the database, the item kinds and activities of the ecosystems
// the process runs, and how this deployment's reconciler and reports behave.
import type { ItemKindDefinition, ItemKinds, Logger, SqlPool } from '@packflow/core';
import type { EngineActivities } from './engine.types.js';

export interface EngineOptions {
  /** The database: a pg Pool or any handle with pg's `query` and `connect`. */
  db: SqlPool;
  /** The item kinds of the ecosystems this process runs (composed into one ItemKinds). */
  kinds: ItemKinds | readonly ItemKindDefinition[];
  /** The activities of those ecosystems, by job, and the reporter. */
  activities: EngineActivities;
  logger?: Logger;
  /** How long a queued target may wait for its submit before the reconciler retries it. */
  submitLeaseMs?: number;
  /**
   * How long a report may take before the reconciler sends it again (default 60 s); its
   * retries wait twice as long each time.
   */
  reportGraceMs?: number;
  /**
   * The forge instances (`https://github.com`…) whose projects this engine's reconciler
   * looks after (overdue targets and reports); absent: every project. A worker deployment
   * gives the instances its identities serve. Pipelines with an owner are its owner's alone.
   */
  instances?: readonly string[];
  /**
   * This deployment (an upstream worker's WORKER_DURABLE): recorded as the owner of the
   * pipelines it starts, and its reconciler resumes only the pipelines it owns (and those
   * without an owner on its `instances`): owner.scope.ts. Absent: pipelines start without
   * one (a rerun keeps its original's) and the reconciler goes by `instances` alone.
   */
  owner?: string;
  /**
   * Decide and record only (the web process): run no activity after commit. What it queued
   * is due for the workers' reconcilers at once (no submit lease) and what changed is
   * marked as owing a report at once, and the workers are notified at commit
   * (ENGINE_DUE_CHANNEL), so the worker serving the project submits and reports it at once.
   */
  recordOnly?: boolean;
}
