// Sends status reports after commit, in order per pipeline, and keeps the reporting
// ledger (report.ledger.ts) up to date: a report that went out is recorded, one that
// did not is left for `reportOverdue`, which the reconciler runs.
import { countedActivity, type Logger, type Sql } from '@packflow/core';
import type { EngineActivities, PipelineContext, PipelineState, TargetChange } from './engine.types.js';
import {
  claimOverdueReports,
  markReported,
  MAX_REPORT_ATTEMPTS,
  type EngineStore,
  type ReportSeqs,
} from './store/engine.store.js';
import type { OwnerScope } from './store/owner.scope.js';

const contextOf = (state: PipelineState): PipelineContext => ({
  id: state.id,
  project: state.project,
  ref: state.ref,
  commitSha: state.commitSha,
});

/**
 * The targets of `states` whose keys (`kind:id`) are in `keys`, each with every pipeline
 * that has it and the context (project, ref, commit, step options) of the newest one.
 */
export function changesOf(states: PipelineState[], keys: Set<string>): TargetChange[] {
  const byKey = new Map<string, TargetChange>();
  for (const state of states) {
    for (const step of state.steps) {
      for (const target of step.targets) {
        const key = `${target.kind}:${target.id}`;
        if (!keys.has(key)) continue;
        const existing = byKey.get(key);
        const change: TargetChange = {
          pipelineIds: [...(existing?.pipelineIds ?? []), state.id],
          pipeline: contextOf(state),
          stepId: step.id,
          job: step.job,
          package: step.package,
          identifier: step.identifier,
          options: step.options ?? {},
          target,
        };
        // The newest pipeline's step gives the context (states come in id order).
        byKey.set(
          key,
          existing && BigInt(existing.pipeline.id) > BigInt(state.id)
            ? { ...existing, pipelineIds: change.pipelineIds }
            : change,
        );
      }
    }
  }
  return [...byKey.values()];
}

export class ReportQueue {
  /** Reports still being sent, chained per pipeline so each pipeline's reports keep their order. */
  private readonly reporting = new Map<string, Promise<void>>();

  constructor(
    private readonly pool: Sql,
    private readonly store: EngineStore,
    private readonly report: NonNullable<EngineActivities['report']>,
    private readonly options: { graceMs: number; scope: OwnerScope; logger?: Logger },
  ) {}

  /** After commit: sends the changes of one transaction, grouped by pipeline, in the background. */
  send(changes: TargetChange[], seqs: ReportSeqs): void {
    const byPipeline = new Map<string, TargetChange[]>();
    for (const c of changes) byPipeline.set(c.pipelineIds[0], [...(byPipeline.get(c.pipelineIds[0]) ?? []), c]);
    for (const [pipelineId, group] of byPipeline) {
      const reached: ReportSeqs = new Map();
      for (const id of new Set(group.flatMap((c) => c.pipelineIds))) {
        const seq = seqs.get(id);
        if (seq !== undefined) reached.set(id, seq);
      }
      void this.queue(pipelineId, group, reached, false);
    }
  }

  /**
   * Sends the current state of every target of each pipeline whose last report did not go
   * out in time. Returns how many pipelines were reported.
   */
  async reportOverdue(limit: number): Promise<number> {
    const claimed = await claimOverdueReports(this.pool, limit, this.options.graceMs, this.options.scope);
    if (claimed.length === 0) return 0;
    const states = await this.store.states.load(
      this.pool,
      claimed.map((c) => c.id),
    );
    let reported = 0;
    for (const { id, seq, attempts } of claimed) {
      const state = states.find((s) => s.id === id);
      if (!state) continue;
      const keys = new Set(state.steps.flatMap((s) => s.targets.map((t) => `${t.kind}:${t.id}`)));
      if (await this.queue(id, changesOf([state], keys), new Map([[id, seq]]), true)) reported++;
      else if (attempts >= MAX_REPORT_ATTEMPTS)
        this.options.logger?.error({ pipelineId: id, attempts }, 'giving up reporting this pipeline');
    }
    return reported;
  }

  /** Resolves when every report started so far has been sent (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.reporting.size > 0) await Promise.all([...this.reporting.values()]);
  }

  /**
   * Sends a report after the ones already queued for the pipeline, then records it as
   * sent. Resolves true when it went out; a failure is logged and left to the reconciler.
   */
  private queue(pipelineId: string, changes: TargetChange[], seqs: ReportSeqs, whole: boolean): Promise<boolean> {
    const previous = this.reporting.get(pipelineId) ?? Promise.resolve();
    const sent = previous.then(async () => {
      try {
        await countedActivity('report', 'report', () => this.report(changes));
      } catch (error) {
        this.options.logger?.warn(
          { err: error, pipelineId },
          'reporting status changes failed; the reconciler will report again',
        );
        return false;
      }
      await markReported(this.pool, seqs, whole).catch((error: unknown) =>
        this.options.logger?.warn(
          { err: error, pipelineId },
          'a report went out but could not be recorded; it may be sent again',
        ),
      );
      return true;
    });
    const next = sent.then(() => {
      if (this.reporting.get(pipelineId) === next) this.reporting.delete(pipelineId);
    });
    this.reporting.set(pipelineId, next);
    return sent;
  }
}
