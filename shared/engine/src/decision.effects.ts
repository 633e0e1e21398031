// What one decision of the engine (one transaction) decided, collected while it runs and
// carried out after it commits (pipeline.engine.ts).
import type { TargetStatus } from '@packflow/core';
import type { TargetChange, TargetTask } from './engine.types.js';
import type { ReportSeqs } from './store/engine.store.js';

/** What a transaction decided; carried out after it commits. */
export interface Effects {
  tasks: TargetTask[];
  cancels: TargetTask[];
  changes: TargetChange[];
  /** The report sequence each changed pipeline reached in this transaction (known once `pending` settled). */
  reportSeqs: ReportSeqs;
  /** The pipelines this transaction marks as owing a report (known as the statements go out). */
  marked: Set<string>;
  /**
   * Writes sent but not waited for: the last one goes out with the commit (one round trip
   * less per decision), and its failure turns the commit into a rollback.
   */
  pending: Promise<void>[];
  /** Triggers of the pipelines started, and results of those finished (counted after commit). */
  started: string[];
  finished: TargetStatus[];
}

/** Marks the changes of the pipeline a decision created as its first report (TargetChange.firstReport). */
export function firstReportOf(pipelineId: string, effects: Effects): Effects {
  for (const change of effects.changes) if (change.pipeline.id === pipelineId) change.firstReport = true;
  return effects;
}

export const noEffects = (): Effects => ({
  tasks: [],
  cancels: [],
  changes: [],
  reportSeqs: new Map(),
  marked: new Set(),
  pending: [],
  started: [],
  finished: [],
});

/** A write left in flight: its failure is handled where it is awaited, not as an unhandled rejection. */
export function pend(effects: Effects, write: Promise<void>): void {
  write.catch(() => {});
  effects.pending.push(write);
}

/** The first failure of the writes left in flight (the cause when a later statement fails in the aborted transaction). */
export async function failureOf(effects: Effects): Promise<unknown> {
  const failed = (await Promise.allSettled(effects.pending)).find((r) => r.status === 'rejected');
  return failed?.reason;
}
