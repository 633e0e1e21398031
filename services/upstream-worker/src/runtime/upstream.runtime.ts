// Everything the upstream worker runs on, built once from its config: a connection pool,
// the upstream ecosystem (@packflow/upstream: forge drivers, activities, reporter,
// handler), the engine made with its item kinds and activities, and the reconciler loop.
import pg from 'pg';
import type { Logger } from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { createUpstream, UPSTREAM_ECOSYSTEM, type UpstreamService } from '@packflow/upstream';
import type { UpstreamWorkerConfig } from '../upstream-worker.config.js';

export interface UpstreamRuntime {
  service: UpstreamService;
  engine: PipelineEngine;
  close(): Promise<void>;
}

export function createUpstreamRuntime(config: Readonly<UpstreamWorkerConfig>, logger: Logger): UpstreamRuntime {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10 });
  const upstream = createUpstream({ sql: pool, settings: config, logger });
  const engine = createEngine({
    db: pool,
    kinds: UPSTREAM_ECOSYSTEM.kinds,
    activities: upstream.activities,
    logger,
    instances: upstream.instances,
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
      await pool.end();
    },
  };
}
