// The durable pipeline engine's decisions: what starts, what a result changes, what a
// cancel or rerun does. Each decision runs in one transaction that locks the pipelines it
// changes; the SQL is in store/, the item kinds and activities come from the ecosystems
// the process runs (createEngine), and the activities are called after commit.
import {
  ConflictError,
  inTransaction,
  isFinal,
  isPipelined,
  metrics,
  ItemKinds,
  NotFoundError,
  type ItemKind,
  type Sql,
  type SqlPool,
} from '@packflow/core';
import type { Plan } from '@packflow/config';
import { Dispatcher } from './dispatcher.js';
import type { EngineOptions } from './engine.options.js';
import type {
  ExternalRef,
  PipelineState,
  Signal,
  SignalOutcome,
  StartContext,
  StepState,
  TargetChange,
  TargetState,
  TargetTask,
} from './engine.types.js';
import { failureOf, firstReportOf, noEffects, pend, type Effects } from './decision.effects.js';
import { changesOf, ReportQueue } from './report.queue.js';
import { rerunAll, rerunFailed, rerunFrom, rerunSelected, rerunTargets, type StepRerun } from './rerun.selector.js';
import { EngineStore, markReportsDue, type PipelineSpec, type StepSpec } from './store/engine.store.js';
import { notifyDue } from './store/due.notify.js';
import type { SignalTarget } from './store/signal.store.js';
import { predecessorsOf, settle, type Transition } from './transitions.js';

/**
 * The durable pipeline engine. Every decision is made inside a PostgreSQL transaction
 * that locks the pipelines it touches; the engine keeps nothing in memory that matters,
 * so any instance (or several at once) can carry on any pipeline.
 */
export class PipelineEngine {
  private readonly pool: SqlPool;
  private readonly store: EngineStore;
  private readonly kinds: ItemKinds;
  private readonly dispatcher: Dispatcher;
  private readonly leaseMs: number;
  private readonly reportGraceMs: number;
  /** Absent when there is no report activity. */
  private readonly reports?: ReportQueue;
  /** Whether decisions mark what they change as owing a report (a reporter, or record-only). */
  private readonly reporting: boolean;

  constructor(private readonly options: EngineOptions) {
    const { db: pool, activities } = options;
    this.pool = pool;
    this.kinds = options.kinds instanceof ItemKinds ? options.kinds : new ItemKinds(options.kinds);
    this.store = new EngineStore(this.kinds);
    this.leaseMs = options.recordOnly ? 0 : (options.submitLeaseMs ?? 60_000);
    this.reportGraceMs = options.recordOnly ? 0 : (options.reportGraceMs ?? 60_000);
    if (activities.report) {
      this.reports = new ReportQueue(pool, this.store, activities.report, {
        graceMs: this.reportGraceMs,
        scope: { instances: options.instances, owner: options.owner },
        logger: options.logger,
      });
    }
    this.reporting = this.reports !== undefined || options.recordOnly === true;
    this.dispatcher = new Dispatcher(pool, this.store, activities, {
      logger: options.logger,
      scope: { instances: options.instances, owner: options.owner },
      apply: (kind, id, signal) => this.applyToTarget(kind, id, signal),
    });
  }

  /**
   * Persists the plan as a new pipeline and starts what can start. Returns the pipeline
   * id. An event starts one pipeline: when its event already started one (a redelivered
   * message, or another worker handling the same event at the same moment), nothing is
   * done and that pipeline's id is returned.
   */
  async start(plan: Plan, ctx: StartContext): Promise<string> {
    const strategy = ctx.strategy ?? (ctx.trigger === 'pull_request' ? 'supersede' : 'independent');
    const spec: PipelineSpec = {
      projectId: ctx.projectId,
      commitId: ctx.commitId,
      eventId: ctx.eventId ?? null,
      trigger: ctx.trigger,
      strategy,
      owner: this.options.owner ?? null,
      steps: plan.steps.map((s) => ({
        key: s.id,
        job: s.job,
        package: s.package,
        identifier: s.identifier,
        options: { ...s.options, ...(s.targetOptions ? { targetOptions: s.targetOptions } : {}) },
        targets: s.targets.map((name) => ({ name, attempt: 1 })),
      })),
      edges: plan.edges,
    };
    const { value: id, effects } = await this.decide(async (tx, effects) => {
      const id = await this.store.pipelines.insert(tx, spec);
      if (id === undefined) return this.store.pipelines.startedBy(tx, spec.eventId!);
      effects.started.push(spec.trigger);
      if (strategy === 'supersede') await this.supersedeOlder(tx, ctx.commitId, effects);
      await this.advancePipelines(tx, await this.store.states.load(tx, [id]), effects, 'all');
      return id;
    });
    await this.carryOut(firstReportOf(id, effects));
    return id;
  }

  /** The deployment this engine records as the owner of the pipelines it starts (EngineOptions.owner). */
  get owner(): string | undefined {
    return this.options.owner;
  }

  /** Applies a result from outside. Idempotent; late or unknown results are recorded and ignored. */
  async signal(ref: ExternalRef, signal: Signal): Promise<SignalOutcome> {
    const outcome = await this.apply({ ref }, signal);
    // The caller says what an unknown target means (too early, or not packflow's).
    if (outcome.note === 'unknown target') this.options.logger?.debug({ ref }, 'signal for an unknown target');
    return outcome;
  }

  private applyToTarget(kind: ItemKind, targetId: string, signal: Signal): Promise<SignalOutcome> {
    return this.apply({ kind, targetId }, signal);
  }

  /**
   * Applies a result: finding the target, locking its pipelines, writing the result and
   * reading the pipelines' state is one statement (signal.store.ts), then the advance.
   */
  private async apply(target: SignalTarget, signal: Signal): Promise<SignalOutcome> {
    const { value: outcome, effects } = await this.decide<SignalOutcome>(async (tx, effects) => {
      const found = await this.store.signals.apply(tx, target, signal, {
        reportsDue: this.reporting,
        graceMs: this.reportGraceMs,
      });
      if (found.status === undefined) return { applied: false, note: 'unknown target' };
      const { targetId } = found;
      if (!found.applied) return { applied: false, note: `target already ${found.status}`, targetId };
      for (const [id, seq] of found.reportSeqs) {
        effects.reportSeqs.set(id, seq);
        effects.marked.add(id);
      }
      const kind = 'ref' in target ? target.ref.kind : target.kind;
      await this.advancePipelines(tx, found.states, effects, [`${kind}:${targetId}`], true);
      return { applied: true, targetId };
    });
    await this.carryOut(effects);
    return outcome;
  }

  /** Cancels the unfinished work of these pipelines (targets shared with other live pipelines keep running). */
  async cancelPipelines(pipelineIds: readonly string[], reason: string): Promise<void> {
    const { effects } = await this.decide(async (tx, effects) => {
      await this.store.pipelines.lock(tx, pipelineIds);
      await this.cancelWithin(tx, pipelineIds, reason, effects);
    });
    await this.carryOut(effects);
  }

  /** Cancels every unfinished pipeline of a ref (a pull request that was closed). */
  async cancelRef(projectId: string, refKind: string, refName: string, reason: string): Promise<string[]> {
    const ids = await this.store.pipelines.liveOfRef(this.pool, projectId, refKind, refName);
    if (ids.length > 0) await this.cancelPipelines(ids, reason);
    return ids;
  }

  /** Everything again, as a new pipeline. */
  rerunPipeline(pipelineId: string, ctx: { eventId?: string | null } = {}): Promise<string> {
    return this.rerun(pipelineId, 'all', ctx, rerunAll);
  }

  /** The step and everything downstream again; upstream steps share the existing groups. */
  async rerunFrom(stepId: string, ctx: { eventId?: string | null } = {}): Promise<string> {
    return this.rerun(await this.pipelineOfStep(stepId), 'from-step', ctx, (s) => rerunFrom(s, stepId));
  }

  /** Only these targets of the step and the downstream targets that depend on them. */
  async rerunTargets(
    stepId: string,
    targets: readonly string[],
    ctx: { eventId?: string | null } = {},
  ): Promise<string> {
    return this.rerun(await this.pipelineOfStep(stepId), 'targets', ctx, (s) => rerunTargets(s, stepId, targets));
  }

  /** Every failed or errored target and what depends on it, as one new pipeline. */
  rerunFailed(pipelineId: string, ctx: { eventId?: string | null } = {}): Promise<string> {
    return this.rerun(pipelineId, 'failed', ctx, rerunFailed);
  }

  /**
   * The targets `select` picks and what depends on them, everything else shared (e.g.
   * `/packit test`: every test target and every build target that did not succeed).
   */
  rerunMatching(
    pipelineId: string,
    select: (step: StepState, target: TargetState) => boolean,
    ctx: { eventId?: string | null; kind?: string } = {},
  ): Promise<string> {
    return this.rerun(pipelineId, ctx.kind ?? 'selected', ctx, (s) => rerunSelected(s, select));
  }

  /**
   * Rescues what no message will rescue: retries submits that never recorded an external
   * id, polls targets past their deadline, errors those past the final deadline, and
   * reports again the pipelines whose report did not go out.
   */
  async reconcile(limit = 100): Promise<{ resubmitted: number; polled: number; timedOut: number; reported: number }> {
    const counts = await this.dispatcher.reconcile(limit, (kind, targetId) => this.taskFor(kind, targetId));
    return { ...counts, reported: (await this.reports?.reportOverdue(limit)) ?? 0 };
  }

  /** Loads a pipeline's state (steps, edges, targets) as the engine sees it. */
  async getState(pipelineId: string): Promise<PipelineState> {
    const [state] = await this.store.states.load(this.pool, [pipelineId]);
    if (!state) throw new NotFoundError('pipeline', pipelineId);
    return state;
  }

  // --- internals

  private async pipelineOfStep(stepId: string): Promise<string> {
    const id = await this.store.pipelines.pipelineOfStep(this.pool, stepId);
    if (id === undefined) throw new NotFoundError('step', stepId);
    return id;
  }

  private async rerun(
    pipelineId: string,
    kind: string,
    ctx: { eventId?: string | null },
    choose: (state: PipelineState) => Map<string, StepRerun>,
  ): Promise<string> {
    const { value: id, effects } = await this.decide(async (tx, effects) => {
      const [original] = await this.store.states.load(tx, [pipelineId]);
      if (!original) throw new NotFoundError('pipeline', pipelineId);
      const refusal = await this.store.pipelines.rerunRefusal(tx, pipelineId, kind);
      if (refusal) throw new ConflictError(refusal, { pipelineId, kind });
      const choice = choose(original);
      const keyOf = new Map(original.steps.map((s) => [s.id, s.key]));
      const steps: StepSpec[] = original.steps.map((s) => {
        const c = choice.get(s.id)!;
        const shared = c.mode === 'shared';
        return {
          key: s.key,
          job: s.job,
          package: s.package,
          identifier: s.identifier,
          options: s.options ?? {},
          rerunOf: s.id,
          groupId: shared ? (s.targets[0]?.groupId ?? null) : null,
          targets: s.targets.map((t) =>
            shared && !c.redo.has(t.id)
              ? { name: t.target, reuseId: t.id }
              : { name: t.target, attempt: t.attempt + 1 },
          ),
        };
      });
      const id = await this.store.pipelines.insert(tx, {
        projectId: original.projectId,
        commitId: original.commitId,
        eventId: ctx.eventId ?? null,
        trigger: original.trigger,
        strategy: original.strategy,
        rerunOf: original.id,
        rerunKind: kind,
        owner: this.options.owner ?? null,
        steps,
        edges: original.edges.map((e) => ({ from: keyOf.get(e.from)!, to: keyOf.get(e.to)!, target: e.target })),
      });
      // A rerun is never refused by the one-start-per-event constraint (it has rerun_of_id).
      if (id === undefined) throw new Error(`rerun of pipeline ${pipelineId} was not inserted`);
      await this.advancePipelines(tx, await this.store.states.load(tx, [id]), effects, 'all');
      return id;
    });
    await this.carryOut(firstReportOf(id, effects));
    return id;
  }

  /**
   * Runs one decision in a transaction: `fn` changes the state and collects the effects;
   * before commit, the pipelines whose targets changed are marked as owing a report. Its
   * statements are planned once (TransactionOptions.genericPlans): they find rows by id and
   * by external id, through indexes whatever the values.
   */
  private async decide<T>(fn: (tx: Sql, effects: Effects) => Promise<T>): Promise<{ value: T; effects: Effects }> {
    const effects = noEffects();
    const value = await inTransaction(
      this.pool,
      async (tx) => {
        try {
          const value = await fn(tx, effects);
          // Pipelines written through writeAdvance are marked already; any other changed one here.
          const changed = [...new Set(effects.changes.flatMap((c) => c.pipelineIds))].filter(
            (id) => !effects.marked.has(id),
          );
          if (this.reporting && changed.length > 0)
            for (const [id, seq] of await markReportsDue(tx, changed, this.reportGraceMs))
              effects.reportSeqs.set(id, seq);
          // Nothing runs here after commit: the workers are told at commit that work is due.
          if (this.options.recordOnly && (effects.tasks.length > 0 || effects.changes.length > 0)) await notifyDue(tx);
          // A client that sends one query at a time: the commit waits for them anyway.
          if (!isPipelined(tx)) await Promise.all(effects.pending);
          return value;
        } catch (error) {
          throw (await failureOf(effects)) ?? error;
        }
      },
      { genericPlans: true },
    );
    // Sent before the commit, answered before it: a failure here rolled the commit back.
    await Promise.all(effects.pending);
    return { value, effects };
  }

  /**
   * Queues and skips what became ready or blocked in `states` (as they stand, locked),
   * writes statuses, and collects the effects. `changed` names targets whose change to report besides those that moved now; `all`
   * reports every target (a new pipeline: its checks appear at once, queued).
   */
  private async advancePipelines(
    tx: Sql,
    states: PipelineState[],
    effects: Effects,
    changed: string[] | 'all' = [],
    rowsWritten = false,
  ): Promise<void> {
    const queued = new Set<string>();
    const all: Transition[] = [];
    for (const state of states) {
      const transitions = settle(state, this.kinds).filter((t) => {
        const key = `${t.target.kind}:${t.target.id}`;
        if (queued.has(key)) return false;
        queued.add(key);
        return true;
      });
      all.push(...transitions);
      for (const t of transitions) {
        if (t.to === 'queued') effects.tasks.push(this.toTask(state, t.step.id, t.target, t.inputs));
      }
    }
    const everything =
      changed === 'all'
        ? states.flatMap((s) => s.steps.flatMap((st) => st.targets.map((t) => `${t.kind}:${t.id}`)))
        : changed;
    const changedKeys = new Set([...everything, ...all.map((t) => `${t.target.kind}:${t.target.id}`)]);
    await this.writeAdvance(tx, states, all, changesOf(states, changedKeys), effects, rowsWritten);
  }

  /**
   * Writes what a decision settled (transitions, the statuses of `states`, and the report
   * owed for `changes`) in one statement; collects the changes and the pipelines finished.
   */
  private async writeAdvance(
    tx: Sql,
    states: PipelineState[],
    transitions: Transition[],
    changes: TargetChange[],
    effects: Effects,
    rowsWritten = false,
  ): Promise<void> {
    effects.changes.push(...changes);
    const due = this.reporting
      ? new Set(changes.flatMap((c) => c.pipelineIds).filter((id) => !effects.marked.has(id)))
      : new Set<string>();
    for (const id of due) effects.marked.add(id);
    const { statuses, reportSeqs } = this.store.advance(tx, {
      transitions,
      leaseMs: this.leaseMs,
      states,
      reportsDue: due,
      graceMs: this.reportGraceMs,
      rowsWritten,
    });
    pend(
      effects,
      reportSeqs.then((seqs) => {
        for (const [id, seq] of seqs) effects.reportSeqs.set(id, seq);
      }),
    );
    for (const state of states) {
      const status = statuses.get(state.id)!;
      if (isFinal(status) && !isFinal(state.status)) effects.finished.push(status);
    }
  }

  private toTask(state: PipelineState, stepId: string, target: TargetState, inputs?: TargetState[]): TargetTask {
    const step = state.steps.find((s) => s.id === stepId)!;
    return {
      pipelineId: state.id,
      pipeline: { id: state.id, project: state.project, ref: state.ref, commitSha: state.commitSha },
      stepId,
      job: step.job,
      package: step.package,
      identifier: step.identifier,
      options: step.options ?? {},
      target,
      idempotencyKey: target.idempotencyKey ?? `pf:${state.id}:${step.id}:${target.target}:${target.attempt}`,
      inputs: inputs ?? predecessorsOf(state, step, target).map(([, t]) => t),
      next: state.edges
        .filter((e) => e.from === stepId)
        .map((e) => state.steps.find((s) => s.id === e.to)!)
        .filter((s, i, all) => all.indexOf(s) === i)
        .map((s) => ({ id: s.id, job: s.job, package: s.package, targets: s.targets.map((t) => t.target) })),
    };
  }

  /** A task for one target, from the first live pipeline that counts it (for the reconciler). */
  private async taskFor(kind: ItemKind, targetId: string): Promise<TargetTask | undefined> {
    const found = await this.store.pipelines.firstStepCounting(this.pool, kind, targetId);
    if (!found) return undefined;
    const [state] = await this.store.states.load(this.pool, [found.pipelineId]);
    const target = state?.steps
      .find((s) => s.id === found.stepId)
      ?.targets.find((t) => t.kind === kind && t.id === targetId);
    return state && target ? this.toTask(state, found.stepId, target) : undefined;
  }

  private async supersedeOlder(tx: Sql, commitId: string, effects: Effects): Promise<void> {
    const ids = await this.store.pipelines.lockLiveOfOlderCommits(tx, commitId);
    if (ids.length > 0) await this.cancelWithin(tx, ids, 'superseded by a newer commit', effects);
  }

  private async cancelWithin(tx: Sql, pipelineIds: readonly string[], reason: string, effects: Effects): Promise<void> {
    const states = await this.store.states.load(tx, pipelineIds);
    const candidates = states.flatMap((s) => s.steps.flatMap((st) => st.targets.filter((t) => !isFinal(t.status))));
    const keep = await this.store.pipelines.countedByOtherLivePipelines(tx, candidates, pipelineIds);
    const cancelled = candidates.filter((t) => !keep.has(`${t.kind}:${t.id}`));
    const changed = new Set(await this.store.targets.cancel(tx, cancelled, reason));
    for (const state of states) {
      for (const step of state.steps) {
        for (const t of step.targets) {
          if (!changed.has(`${t.kind}:${t.id}`)) continue;
          if (t.externalId && (t.status === 'queued' || t.status === 'running'))
            effects.cancels.push(this.toTask(state, step.id, t));
          t.status = 'cancelled';
          t.reason = reason;
        }
      }
    }
    await this.writeAdvance(tx, states, [], changesOf(states, changed), effects);
  }

  /**
   * After commit: submit what was queued and cancel what was cancelled (awaited: a
   * handler is done when its work is handed over), then report the changes in the
   * background, in order per pipeline. A report that does not go out (a failure, a
   * crash before it is sent) is sent again by the reconciler: see report.ledger.ts.
   */
  private async carryOut(effects: Effects): Promise<void> {
    for (const trigger of effects.started) metrics.pipelinesStarted.inc({ trigger });
    for (const result of effects.finished) metrics.pipelinesFinished.inc({ result });
    if (this.options.recordOnly) return;
    const [finished] = await Promise.all([
      this.dispatcher.submit(effects.tasks),
      this.dispatcher.cancel(effects.cancels),
    ]);
    if (effects.changes.length > 0) this.reports?.send(effects.changes, effects.reportSeqs);
    // Work that finished within its submit: its result after this decision's report, so
    // the reports of a pipeline stay in the order of its changes.
    for (const done of finished) await this.applyToTarget(done.kind, done.targetId, done.signal);
  }

  /** Resolves when every report started so far has been sent (for shutdown and tests). */
  async idle(): Promise<void> {
    await this.reports?.idle();
  }
}

/** An engine for the item kinds and activities of the ecosystems a process runs. */
export function createEngine(options: EngineOptions): PipelineEngine {
  return new PipelineEngine(options);
}
