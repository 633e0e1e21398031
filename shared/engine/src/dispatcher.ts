// Calls activities outside transactions and records what they answered. Every call has
// the activity's timeout; failures follow its retry policy; the reconciler picks up
// what a crash or a lost message left behind.
import { countedActivity, PackflowError, type ItemKind, type Logger, type Sql } from '@packflow/core';
import type { ActivityDefinition, EngineActivities, Signal, SignalOutcome, TargetTask } from './engine.types.js';
import type { EngineStore } from './store/engine.store.js';
import type { OwnerScope } from './store/owner.scope.js';

interface DispatcherOptions {
  logger?: Logger;
  /** The pipelines whose targets this reconciler takes (owner.scope.ts). */
  scope: OwnerScope;
  apply(kind: ItemKind, targetId: string, signal: Signal): Promise<SignalOutcome>;
}

/** A target whose work finished within its submit, and its result. */
export interface FinishedWork {
  kind: ItemKind;
  targetId: string;
  signal: Signal;
}

class ActivityTimeout extends PackflowError {
  constructor(what: string, ms: number) {
    super('activity_timeout', `${what} did not answer within ${ms} ms`, { retryable: true });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ActivityTimeout(what, ms)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const retryDelay = (def: ActivityDefinition, attempts: number) =>
  Math.min(def.retry.initialDelayMs * def.retry.backoffFactor ** Math.max(attempts - 1, 0), def.retry.maxDelayMs);

export class Dispatcher {
  constructor(
    private readonly pool: Sql,
    private readonly store: EngineStore,
    private readonly activities: EngineActivities,
    private readonly options: DispatcherOptions,
  ) {}

  private definition(job: string): ActivityDefinition | undefined {
    return this.activities.jobs[job] ?? this.activities.jobs.default;
  }

  /**
   * Submits queued targets, one call per step (a Copr build covers all its chroots).
   * Returns the results of work that finished within submit (SubmitResult.done): the
   * engine applies them after it has queued the report of the decision that submitted.
   */
  async submit(tasks: TargetTask[]): Promise<FinishedWork[]> {
    const byStep = new Map<string, TargetTask[]>();
    for (const t of tasks) byStep.set(t.stepId, [...(byStep.get(t.stepId) ?? []), t]);
    return (await Promise.all([...byStep.values()].map((batch) => this.submitBatch(batch)))).flat();
  }

  private async submitBatch(tasks: TargetTask[]): Promise<FinishedWork[]> {
    const def = this.definition(tasks[0].job);
    if (!def) {
      for (const t of tasks) {
        await this.options.apply(t.target.kind, t.target.id, {
          state: 'error',
          reason: `this deployment cannot run ${t.job} jobs`,
        });
      }
      return [];
    }
    try {
      const job = tasks[0].job;
      const results = await countedActivity(job, 'submit', () =>
        withTimeout(def.submit(tasks), def.timeoutMs, `submit ${job}`),
      );
      const ids = tasks.map((t) => t.target.id);
      const cancelled = await this.store.targets.recordSubmitted(
        this.pool,
        tasks[0].target.kind,
        ids,
        results,
        def.pollAfterMs,
      );
      tasks.forEach((t, i) => (t.target.externalId = results[i].externalId));
      // A target cancelled while its submit was under way: cancel the work just started.
      await this.cancel(tasks.filter((t) => cancelled.includes(t.target.id)));
      // Work finished within submit: its result, for the caller to apply as any result from outside.
      return tasks.flatMap((t, i) => {
        const signal = results[i].done;
        return signal && !cancelled.includes(t.target.id)
          ? [{ kind: t.target.kind, targetId: t.target.id, signal }]
          : [];
      });
    } catch (error) {
      await this.submitFailed(def, tasks, error);
      return [];
    }
  }

  private async submitFailed(def: ActivityDefinition, tasks: TargetTask[], error: unknown): Promise<void> {
    const attempts = Number(tasks[0].target.data?.submitAttempts ?? 0) + 1;
    const message = error instanceof Error ? error.message : String(error);
    if (PackflowError.isRetryable(error) && attempts < def.retry.maxAttempts) {
      this.options.logger?.warn(
        { pipelineId: tasks[0].pipelineId, job: tasks[0].job, attempts, err: message },
        'submit failed; will retry',
      );
      await this.store.targets.recordSubmitRetry(
        this.pool,
        tasks[0].target.kind,
        tasks.map((t) => t.target.id),
        attempts,
        retryDelay(def, attempts),
      );
      return;
    }
    this.options.logger?.error(
      { pipelineId: tasks[0].pipelineId, job: tasks[0].job, attempts, err: message },
      'submit failed for good',
    );
    for (const t of tasks)
      await this.options.apply(t.target.kind, t.target.id, { state: 'error', reason: `could not submit: ${message}` });
  }

  /** Asks activities to cancel external work (best effort: the targets are cancelled already). */
  async cancel(tasks: TargetTask[]): Promise<void> {
    await Promise.all(
      tasks.map(async (t) => {
        const def = this.definition(t.job);
        if (!def?.cancel) return;
        try {
          await countedActivity(t.job, 'cancel', () => withTimeout(def.cancel!(t), def.timeoutMs, `cancel ${t.job}`));
        } catch (error) {
          this.options.logger?.warn(
            { pipelineId: t.pipelineId, job: t.job, target: t.target.target, err: (error as Error).message },
            'cancel failed',
          );
        }
      }),
    );
  }

  async reconcile(
    limit: number,
    taskFor: (kind: ItemKind, targetId: string) => Promise<TargetTask | undefined>,
  ): Promise<{ resubmitted: number; polled: number; timedOut: number }> {
    const counts = { resubmitted: 0, polled: 0, timedOut: 0 };
    for (const { kind } of this.store.kinds.all()) {
      const rows = await this.store.targets.claimOverdue(this.pool, kind, limit, this.options.scope);
      for (const row of rows) {
        const task = await taskFor(kind, row.id);
        if (!task) continue;
        const def = this.definition(task.job);
        const overdue = def && row.queuedAt && Date.now() - new Date(row.queuedAt).getTime() > def.finalDeadlineMs;
        if (overdue) {
          counts.timedOut++;
          await this.options.apply(kind, row.id, { state: 'error', reason: 'timed out' });
        } else if (!row.externalId) {
          counts.resubmitted++;
          for (const done of await this.submitBatch([task]))
            await this.options.apply(done.kind, done.targetId, done.signal);
        } else if (def?.poll) {
          counts.polled++;
          const poll = def.poll;
          const signal = await countedActivity(task.job, 'poll', () =>
            withTimeout(poll(task), def.timeoutMs, `poll ${task.job}`),
          ).catch((error: unknown) => {
            this.options.logger?.warn(
              { pipelineId: task.pipelineId, job: task.job, err: (error as Error).message },
              'poll failed',
            );
            return undefined;
          });
          if (signal) await this.options.apply(kind, row.id, signal);
          else await this.store.targets.postpone(this.pool, kind, row.id, def.pollAfterMs);
        }
      }
    }
    return counts;
  }
}
