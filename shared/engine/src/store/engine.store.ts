// All SQL of the engine, by concern: pipelines (rows, locks), targets (submits, cancels,
// reconciler claims), states (the read the engine decides on), results from outside
// (applied, with the state read, in one statement), what a decision
// writes after settling (transitions, statuses and the report ledger in one statement) and
// the reporting ledger. The engine's decision logic calls these and holds no SQL.
import type { ItemKinds, Sql } from '@packflow/core';
import { writeAdvance, type AdvanceWrite, type AdvanceWritten } from './advance.store.js';
import { PipelineStore } from './pipeline.store.js';
import { SignalStore } from './signal.store.js';
import { StateStore } from './state.store.js';
import { TargetStore } from './target.store.js';

export class EngineStore {
  readonly pipelines: PipelineStore;
  readonly targets: TargetStore;
  readonly states: StateStore;
  readonly signals: SignalStore;

  constructor(readonly kinds: ItemKinds) {
    this.pipelines = new PipelineStore(kinds);
    this.targets = new TargetStore(kinds);
    this.states = new StateStore(kinds);
    this.signals = new SignalStore(kinds, this.states);
  }

  /** A decision's transitions, statuses and reports due, in one statement (advance.store.ts). */
  advance(sql: Sql, write: AdvanceWrite): AdvanceWritten {
    return writeAdvance(sql, this.kinds, write);
  }
}

export {
  claimOverdueReports,
  markReported,
  markReportsDue,
  MAX_REPORT_ATTEMPTS,
  type ReportSeqs,
} from './report.ledger.js';
export type { PipelineSpec, StepSpec, TargetSpec } from './pipeline.store.js';
