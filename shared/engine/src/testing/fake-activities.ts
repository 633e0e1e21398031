// Activities that record what they were asked, for engine tests. Like Copr and Testing
// Farm themselves they do not deduplicate: every submit is new work, whatever its key
// (the real activities adopt what an earlier attempt created: see the upstream
// ecosystem's idempotent-submit.test.ts). Failures can be scripted.
import { randomBytes } from 'node:crypto';
import { PackflowError } from '@packflow/core';
import type { ActivityDefinition, EngineActivities, Signal, TargetChange, TargetTask } from '../engine.types.js';

export class FakeActivities {
  /** Every submit call (one per step batch). */
  readonly calls: TargetTask[][] = [];
  /** Idempotency key -> external ids submitted with it, oldest first. */
  readonly submitted = new Map<string, string[]>();
  readonly cancelled: TargetTask[] = [];
  readonly reports: TargetChange[] = [];
  /** Scripted: throw this (once) on the next submit of a job, after recording the submission. */
  failAfterSubmit = new Map<string, Error>();
  /** Scripted: this many of the next reports fail (with a retryable error), nothing recorded. */
  failReports = 0;
  /** What poll answers, by external id. */
  pollAnswers = new Map<string, Signal | undefined>();
  private counter = 0;
  /** External ids are unique across fakes, as real systems' are. */
  private readonly prefix = randomBytes(4).toString('hex');

  definition(overrides: Partial<ActivityDefinition> = {}): ActivityDefinition {
    return {
      submit: async (tasks) => {
        this.calls.push(tasks);
        // One external id per batch, like a Copr build for several chroots.
        const id = `ext-${this.prefix}-${++this.counter}`;
        for (const t of tasks)
          this.submitted.set(t.idempotencyKey, [...(this.submitted.get(t.idempotencyKey) ?? []), id]);
        const error = this.failAfterSubmit.get(tasks[0].job);
        if (error) {
          this.failAfterSubmit.delete(tasks[0].job);
          throw error;
        }
        return tasks.map(() => ({ externalId: id, webUrl: `https://example.test/${id}` }));
      },
      cancel: async (task) => {
        this.cancelled.push(task);
      },
      poll: async (task) => this.pollAnswers.get(task.target.externalId ?? ''),
      timeoutMs: 5_000,
      retry: { maxAttempts: 3, initialDelayMs: 0, backoffFactor: 2, maxDelayMs: 0 },
      pollAfterMs: 60_000,
      finalDeadlineMs: 3_600_000,
      ...overrides,
    };
  }

  activities(overrides: Partial<ActivityDefinition> = {}): EngineActivities {
    return {
      jobs: { default: this.definition(overrides) },
      report: async (changes) => {
        if (this.failReports > 0) {
          this.failReports--;
          throw retryable('the forge answered 502');
        }
        this.reports.push(...changes);
      },
    };
  }

  /** Targets submitted so far, as `target` names of a job. */
  submittedTargets(job: string): string[] {
    return this.calls
      .flat()
      .filter((t) => t.job === job)
      .map((t) => t.target.target);
  }
}

export const retryable = (message: string) => new PackflowError('flaky', message, { retryable: true });
