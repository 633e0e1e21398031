import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@packflow/core';
import { CONFIG, LOGGER } from '@packflow/platform';
import { KcidbSubmissionProcessor } from '@packflow/results';
import type { ResultsWorkerConfig } from './results-worker.config.js';

/**
 * The safety net behind the messages: at start and every KCIDB_SWEEP_INTERVAL_MS, loads
 * the submissions still `ready` after a whole interval (their outbox row not relayed
 * because the scheduler is down, their message dead-lettered, a crash mid-load). Younger
 * ones are left to their messages, and rows a handler holds are skipped, so the sweep
 * and the handlers do not compete.
 */
@Injectable()
export class KcidbSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly log: Logger;

  constructor(
    @Inject(KcidbSubmissionProcessor) private readonly processor: KcidbSubmissionProcessor,
    @Inject(CONFIG) private readonly config: ResultsWorkerConfig,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'kcidb-sweeper' });
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalMs);
    this.timer.unref();
  }

  /** Runs one sweep unless one is running; resolves when the running sweep ends. */
  sweep(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops sweeping and waits for the sweep in progress; what it did not reach stays `ready`. */
  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async sweepOnce(): Promise<void> {
    try {
      let done;
      do {
        done = await this.processor.processPending(100, this.config.sweepIntervalMs);
        if (done.length) this.log.info({ submissions: done.length }, 'KCIDB sweep loaded ready submissions');
      } while (done.length > 0 && !this.closed);
    } catch (error) {
      this.log.error({ err: error }, 'KCIDB sweep failed; the next one retries');
    }
  }
}
