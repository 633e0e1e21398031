// Everything the upstream worker runs on, built once from its config and the platform's
// database handle: the upstream ecosystem (@packflow/upstream: forge drivers, activities, reporter,
// handler), the engine made with its item kinds and activities, and the reconciler loop.
import type { Database, Logger } from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { createUpstream, UPSTREAM_ECOSYSTEM, type UpstreamService } from '@packflow/upstream';
import type { UpstreamWorkerConfig } from '../upstream-worker.config.js';

export interface UpstreamRuntime {
  service: UpstreamService;
  engine: PipelineEngine;
  close(): Promise<void>;
}

/** The runtime on `pool`, the process's database handle (the platform owns and closes it). */
export function createUpstreamRuntime(
  config: Readonly<UpstreamWorkerConfig>,
  pool: Database,
  logger: Logger,
): UpstreamRuntime {
  const upstream = createUpstream({ sql: pool, settings: config, logger });
  const engine = createEngine({
    db: pool,
    kinds: UPSTREAM_ECOSYSTEM.kinds,
    activities: upstream.activities,
    logger,
    instances: upstream.instances,
    submitLeaseMs: config.submitLeaseMs,
    reportGraceMs: config.reportGraceMs,
  });
  const service = upstream.handler(engine);

  // The reconciler: rescues builds and tests whose completion message never came.
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= engine
      .reconcile()
      .then((counts) => {
        if (counts.polled || counts.resubmitted || counts.timedOut || counts.reported)
          logger.info(counts, 'reconciled overdue targets and reports');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciling failed; will try again'))
      .finally(() => (running = undefined));
  }, config.reconcileIntervalMs);
  timer.unref();

  return {
    service,
    engine,
    async close() {
      clearInterval(timer);
      await running;
      await engine.idle();
    },
  };
}
