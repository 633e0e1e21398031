// All SQL of the engine, by concern: pipelines (rows, statuses, locks), targets (results,
// transitions, submits, reconciler claims), states (the read the engine decides on) and
// the reporting ledger. The engine's decision logic calls these and holds no SQL.
import type { ItemKinds } from '@packflow/core';
import { PipelineStore } from './pipeline.store.js';
import { StateStore } from './state.store.js';
import { TargetStore } from './target.store.js';

export class EngineStore {
  readonly pipelines: PipelineStore;
  readonly targets: TargetStore;
  readonly states: StateStore;

  constructor(readonly kinds: ItemKinds) {
    this.pipelines = new PipelineStore(kinds);
    this.targets = new TargetStore(kinds);
    this.states = new StateStore(kinds);
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
