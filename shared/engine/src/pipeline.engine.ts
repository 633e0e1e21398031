import type pg from 'pg';
import {
  inTransaction,
  isFinal,
  ITEM_KINDS,
  NotFoundError,
  targetLinkOf,
  type ItemKind,
  type Logger,
  type Sql,
} from '@packflow/core';
import type { Plan } from '@packflow/config';
import { Dispatcher } from './dispatcher.js';
import type {
  EngineActivities,
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
import {
  cancelTargets,
  insertPipeline,
  writeStatuses,
  writeTransitions,
  type PipelineSpec,
  type StepSpec,
} from './pipeline.writer.js';
import { loadPipelineStates } from './pipeline-state.loader.js';
import { markReportsDue, type ReportSeqs } from './report.ledger.js';
import { changesOf, ReportQueue } from './report.queue.js';
import { rerunAll, rerunFailed, rerunFrom, rerunSelected, rerunTargets, type StepRerun } from './rerun.selector.js';
import { predecessorsOf, settle, type Transition } from './transitions.js';

export interface EngineOptions {
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
   * gives the instances its identities serve.
   */
  instances?: readonly string[];
}

/** What a transaction decided; carried out after it commits. */
interface Effects {
  tasks: TargetTask[];
  cancels: TargetTask[];
  changes: TargetChange[];
  /** The report sequence each changed pipeline reached in this transaction. */
  reportSeqs: ReportSeqs;
}

const noEffects = (): Effects => ({ tasks: [], cancels: [], changes: [], reportSeqs: new Map() });

/**
 * The durable pipeline engine. Every decision is made inside a PostgreSQL transaction
 * that locks the pipelines it touches; the engine keeps nothing in memory that matters,
 * so any instance (or several at once) can carry on any pipeline.
 */
export class PipelineEngine {
  private readonly dispatcher: Dispatcher;
  private readonly leaseMs: number;
  private readonly reportGraceMs: number;
  /** Absent when there is no report activity. */
  private readonly reports?: ReportQueue;

  constructor(
    private readonly pool: pg.Pool,
    private readonly activities: EngineActivities,
    private readonly options: EngineOptions = {},
  ) {
    this.leaseMs = options.submitLeaseMs ?? 60_000;
    this.reportGraceMs = options.reportGraceMs ?? 60_000;
    if (activities.report) {
      this.reports = new ReportQueue(pool, activities.report, {
        graceMs: this.reportGraceMs,
        instances: options.instances,
        logger: options.logger,
      });
    }
    this.dispatcher = new Dispatcher(pool, activities, {
      logger: options.logger,
      instances: options.instances,
      apply: (kind, id, signal) => this.applyToTarget(kind, id, signal),
    });
  }

  /** Persists the plan as a new pipeline and starts what can start. Returns the pipeline id. */
  async start(plan: Plan, ctx: StartContext): Promise<string> {
    const strategy = ctx.strategy ?? (ctx.trigger === 'pull_request' ? 'supersede' : 'independent');
    const spec: PipelineSpec = {
      projectId: ctx.projectId,
      commitId: ctx.commitId,
      eventId: ctx.eventId ?? null,
      trigger: ctx.trigger,
      strategy,
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
      if (strategy === 'supersede') await this.supersedeOlder(tx, ctx.commitId, effects);
      const id = await insertPipeline(tx, spec);
      await this.advancePipelines(tx, [id], effects, 'all');
      return id;
    });
    await this.carryOut(effects);
    return id;
  }

  /** Applies a result from outside. Idempotent; late or unknown results are recorded and ignored. */
  async signal(ref: ExternalRef, signal: Signal): Promise<SignalOutcome> {
    const k = ITEM_KINDS[ref.kind];
    const { rows } = await this.pool.query<{ id: string }>(
      `select id::text from ${k.targetTable} where external_id = $1 and ($2::text is null or target = $2)
        order by attempt desc, id desc limit 1`,
      [ref.externalId, ref.target ?? null],
    );
    if (rows.length === 0) {
      this.options.logger?.info({ ref }, 'signal for an unknown target ignored');
      return { applied: false, note: 'unknown target' };
    }
    return this.applyToTarget(ref.kind, rows[0].id, signal);
  }

  private async applyToTarget(kind: ItemKind, targetId: string, signal: Signal): Promise<SignalOutcome> {
    const k = ITEM_KINDS[kind];
    const { value: outcome, effects } = await this.decide<SignalOutcome>(async (tx, effects) => {
      const pipelineIds = await this.lockPipelinesOf(tx, kind, targetId);
      const { rows } = await tx.query<{ status: string }>(
        `select status from ${k.targetTable} where id = $1 for update`,
        [targetId],
      );
      const status = rows[0]?.status;
      if (status === undefined) return { applied: false, note: 'unknown target' };
      if (isFinal(status as never) || (signal.state === 'started' && status === 'running')) {
        await tx.query(
          `update ${k.targetTable} set data = jsonb_set(coalesce(data, '{}'), '{ignoredSignals}',
             coalesce(data->'ignoredSignals', '[]') || jsonb_build_array(jsonb_build_object('state', $2::text, 'at', now())))
            where id = $1`,
          [targetId, signal.state],
        );
        return { applied: false, note: `target already ${status}`, targetId };
      }
      const at = signal.at ?? new Date();
      const final = signal.state !== 'started';
      await tx.query(
        `update ${k.targetTable} set status = $2, reason = coalesce($3, reason),
                started_at = coalesce(started_at, $4), finished_at = case when $5 then $4 else finished_at end,
                web_url = coalesce($6, web_url), log_url = coalesce($7, log_url),
                data = case when $8::jsonb is null then data else coalesce(data, '{}') || $8::jsonb end,
                updated_at = now()
          where id = $1`,
        [
          targetId,
          final ? signal.state : 'running',
          signal.reason ?? null,
          at,
          final,
          signal.webUrl ?? null,
          signal.logUrl ?? null,
          signal.data ? JSON.stringify(signal.data) : null,
        ],
      );
      await this.advancePipelines(tx, pipelineIds, effects, [`${kind}:${targetId}`]);
      return { applied: true, targetId };
    });
    await this.carryOut(effects);
    return outcome;
  }

  /** Cancels the unfinished work of these pipelines (targets shared with other live pipelines keep running). */
  async cancelPipelines(pipelineIds: readonly string[], reason: string): Promise<void> {
    const { effects } = await this.decide(async (tx, effects) => {
      await tx.query(`select id from shared.pipelines where id = any($1::bigint[]) order by id for update`, [
        pipelineIds,
      ]);
      await this.cancelWithin(tx, pipelineIds, reason, effects);
    });
    await this.carryOut(effects);
  }

  /** Cancels every unfinished pipeline of a ref (a pull request that was closed). */
  async cancelRef(projectId: string, refKind: string, refName: string, reason: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select p.id::text from shared.pipelines p join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
        where p.project_id = $1 and r.kind = $2 and r.name = $3
          and p.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')`,
      [projectId, refKind, refName],
    );
    const ids = rows.map((r) => r.id);
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
    const [state] = await loadPipelineStates(this.pool, [pipelineId]);
    if (!state) throw new NotFoundError('pipeline', pipelineId);
    return state;
  }

  // --- internals

  private async pipelineOfStep(stepId: string): Promise<string> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select pipeline_id::text as id from shared.pipeline_steps where id = $1`,
      [stepId],
    );
    if (!rows[0]) throw new NotFoundError('step', stepId);
    return rows[0].id;
  }

  private async rerun(
    pipelineId: string,
    kind: string,
    ctx: { eventId?: string | null },
    choose: (state: PipelineState) => Map<string, StepRerun>,
  ): Promise<string> {
    const { value: id, effects } = await this.decide(async (tx, effects) => {
      const [original] = await loadPipelineStates(tx, [pipelineId]);
      if (!original) throw new NotFoundError('pipeline', pipelineId);
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
      const id = await insertPipeline(tx, {
        projectId: original.projectId,
        commitId: original.commitId,
        eventId: ctx.eventId ?? null,
        trigger: original.trigger,
        strategy: original.strategy,
        rerunOf: original.id,
        rerunKind: kind,
        steps,
        edges: original.edges.map((e) => ({ from: keyOf.get(e.from)!, to: keyOf.get(e.to)!, target: e.target })),
      });
      await this.advancePipelines(tx, [id], effects, 'all');
      return id;
    });
    await this.carryOut(effects);
    return id;
  }

  /**
   * Runs one decision in a transaction: `fn` changes the state and collects the effects;
   * before commit, the pipelines whose targets changed are marked as owing a report.
   */
  private async decide<T>(fn: (tx: Sql, effects: Effects) => Promise<T>): Promise<{ value: T; effects: Effects }> {
    return inTransaction(this.pool, async (tx) => {
      const effects = noEffects();
      const value = await fn(tx, effects);
      if (this.reports && effects.changes.length > 0) {
        const changed = [...new Set(effects.changes.flatMap((c) => c.pipelineIds))];
        effects.reportSeqs = await markReportsDue(tx, changed, this.reportGraceMs);
      }
      return { value, effects };
    });
  }

  /** Locks (in id order) every pipeline with a step that counts this target; returns their ids. */
  private async lockPipelinesOf(tx: Sql, kind: ItemKind, targetId: string): Promise<string[]> {
    const link = targetLinkOf(kind);
    const { rows } = await tx.query<{ id: string }>(
      `select p.id::text from shared.pipelines p
        where p.id in (select s.pipeline_id from shared.pipeline_steps s join ${link.table} l on l.step_id = s.id where l.${link.column} = $1)
        order by p.id for update`,
      [targetId],
    );
    return rows.map((r) => r.id);
  }

  /** Queues and skips what became ready or blocked, writes statuses, and collects the effects. */
  /**
   * `changed` names targets whose change to report besides those that moved now; `all`
   * reports every target (a new pipeline: its checks appear at once, queued).
   */
  private async advancePipelines(
    tx: Sql,
    pipelineIds: readonly string[],
    effects: Effects,
    changed: string[] | 'all' = [],
  ): Promise<void> {
    const states = await loadPipelineStates(tx, pipelineIds);
    const queued = new Set<string>();
    const all: Transition[] = [];
    for (const state of states) {
      const transitions = settle(state).filter((t) => {
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
    await writeTransitions(tx, all, this.leaseMs);
    for (const state of states) await writeStatuses(tx, state);
    const everything =
      changed === 'all'
        ? states.flatMap((s) => s.steps.flatMap((st) => st.targets.map((t) => `${t.kind}:${t.id}`)))
        : changed;
    const changedKeys = new Set([...everything, ...all.map((t) => `${t.target.kind}:${t.target.id}`)]);
    effects.changes.push(...changesOf(states, changedKeys));
  }

  private toTask(state: PipelineState, stepId: string, target: TargetState, inputs?: TargetState[]): TargetTask {
    const step = state.steps.find((s) => s.id === stepId)!;
    return {
      pipelineId: state.id,
      stepId,
      job: step.job,
      package: step.package,
      identifier: step.identifier,
      options: step.options ?? {},
      target,
      idempotencyKey: target.idempotencyKey ?? `pf:${state.id}:${step.id}:${target.target}:${target.attempt}`,
      inputs: inputs ?? predecessorsOf(state, step, target).map(([, t]) => t),
    };
  }

  /** A task for one target, from the first live pipeline that counts it (for the reconciler). */
  private async taskFor(kind: ItemKind, targetId: string): Promise<TargetTask | undefined> {
    const link = targetLinkOf(kind);
    const { rows } = await this.pool.query<{ pipeline_id: string; step_id: string }>(
      `select s.pipeline_id::text, s.id::text as step_id from ${link.table} l join shared.pipeline_steps s on s.id = l.step_id
        where l.${link.column} = $1 order by s.pipeline_id limit 1`,
      [targetId],
    );
    if (!rows[0]) return undefined;
    const [state] = await loadPipelineStates(this.pool, [rows[0].pipeline_id]);
    const target = state?.steps
      .find((s) => s.id === rows[0].step_id)
      ?.targets.find((t) => t.kind === kind && t.id === targetId);
    return state && target ? this.toTask(state, rows[0].step_id, target) : undefined;
  }

  private async supersedeOlder(tx: Sql, commitId: string, effects: Effects): Promise<void> {
    const { rows } = await tx.query<{ id: string }>(
      `select p.id::text from shared.pipelines p join shared.commits c on c.id = p.commit_id
        where c.ref_id = (select ref_id from shared.commits where id = $1)
          and c.sha <> (select sha from shared.commits where id = $1)
          and p.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')
        order by p.id for update of p`,
      [commitId],
    );
    if (rows.length > 0)
      await this.cancelWithin(
        tx,
        rows.map((r) => r.id),
        'superseded by a newer commit',
        effects,
      );
  }

  private async cancelWithin(tx: Sql, pipelineIds: readonly string[], reason: string, effects: Effects): Promise<void> {
    const states = await loadPipelineStates(tx, pipelineIds);
    const candidates = states.flatMap((s) => s.steps.flatMap((st) => st.targets.filter((t) => !isFinal(t.status))));
    const keep = await this.targetsOfOtherLivePipelines(tx, candidates, pipelineIds);
    const cancelled = candidates.filter((t) => !keep.has(`${t.kind}:${t.id}`));
    const changed = new Set(await cancelTargets(tx, cancelled, reason));
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
      await writeStatuses(tx, state);
    }
    effects.changes.push(...changesOf(states, changed));
  }

  private async targetsOfOtherLivePipelines(
    tx: Sql,
    targets: TargetState[],
    excluded: readonly string[],
  ): Promise<Set<string>> {
    const keep = new Set<string>();
    for (const kind of new Set(targets.map((t) => t.kind))) {
      const link = targetLinkOf(kind);
      const { rows } = await tx.query<{ id: string }>(
        `select distinct l.${link.column}::text as id from ${link.table} l
           join shared.pipeline_steps s on s.id = l.step_id join shared.pipelines p on p.id = s.pipeline_id
          where l.${link.column} = any($1::bigint[]) and p.id <> all($2::bigint[])
            and p.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')`,
        [targets.filter((t) => t.kind === kind).map((t) => t.id), excluded],
      );
      for (const r of rows) keep.add(`${kind}:${r.id}`);
    }
    return keep;
  }

  /**
   * After commit: submit what was queued and cancel what was cancelled (awaited: a
   * handler is done when its work is handed over), then report the changes in the
   * background, in order per pipeline. A report that does not go out (a failure, a
   * crash before it is sent) is sent again by the reconciler: see report.ledger.ts.
   */
  private async carryOut(effects: Effects): Promise<void> {
    await Promise.all([this.dispatcher.submit(effects.tasks), this.dispatcher.cancel(effects.cancels)]);
    if (effects.changes.length > 0) this.reports?.send(effects.changes, effects.reportSeqs);
  }

  /** Resolves when every report started so far has been sent (for shutdown and tests). */
  async idle(): Promise<void> {
    await this.reports?.idle();
  }
}
