import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { Logger } from '@packflow/core';
import { CONFIG, LOGGER } from '@packflow/platform';
import { KcidbSubmissionProcessor } from '@packflow/results';
import type { WebConfig } from '../web.config.js';

type Job = { kind: 'one'; id: string } | { kind: 'sweep' };

/**
 * Loads accepted KCIDB submissions in this process, one at a time, in arrival order: a
 * stand-in until a JetStream consumer does it. At start and every KCIDB_SWEEP_INTERVAL_MS
 * it also sweeps `ready` submissions (those a crash or a failed hand-off left behind).
 * A failure is logged; the submission stays `ready` and the next sweep retries it.
 */
@Injectable()
export class KcidbProcessingQueue implements OnModuleInit, OnModuleDestroy {
  private readonly jobs: Job[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    @Inject(KcidbSubmissionProcessor) private readonly processor: KcidbSubmissionProcessor,
    @Inject(CONFIG) private readonly config: WebConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.sweep();
    this.timer = setInterval(() => this.sweep(), this.config.kcidb.sweepIntervalMs);
    this.timer.unref();
  }

  /** Queues one stored submission. */
  enqueue(id: string): void {
    this.push({ kind: 'one', id });
  }

  /** Queues a sweep unless one is already waiting. */
  sweep(): void {
    if (!this.jobs.some((job) => job.kind === 'sweep')) this.push({ kind: 'sweep' });
  }

  /** Stops taking work and waits for the submission being loaded; the rest stays `ready`. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.jobs.length = 0;
    await this.running;
  }

  private push(job: Job): void {
    if (this.closed) return;
    this.jobs.push(job);
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let job = this.jobs.shift(); job && !this.closed; job = this.jobs.shift()) {
      try {
        if (job.kind === 'one') await this.processor.processSubmission(job.id);
        else {
          const done = await this.processor.processPending();
          if (done.length) this.logger.info({ submissions: done.length }, 'KCIDB sweep loaded ready submissions');
        }
      } catch (error) {
        this.logger.error({ err: error, ...(job.kind === 'one' ? { submission: job.id } : {}) }, 'KCIDB processing failed');
      }
    }
  }
}
