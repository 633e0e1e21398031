// Everything the upstream worker runs on, built once from its config and the platform's
// database handle: the upstream ecosystem (@packflow/upstream: forge drivers, activities, reporter,
// handler), the engine made with its item kinds and activities, and the reconciler: every
// RECONCILE_INTERVAL_MS, and at once when another process (the web's reruns) announces due
// work on ENGINE_DUE_CHANNEL.
import { NotificationListener, type Database, type Logger } from '@packflow/core';
import { createEngine, ENGINE_DUE_CHANNEL, type PipelineEngine } from '@packflow/engine';
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
    owner: config.transport.durable,
    submitLeaseMs: config.submitLeaseMs,
    reportGraceMs: config.reportGraceMs,
  });
  const service = upstream.handler(engine);

  // The reconciler: rescues builds and tests whose completion message never came, and
  // carries out what the web recorded. A wake-up during a pass runs one more pass after
  // it, so work announced while a pass had already read its rows is not left waiting.
  let running: Promise<unknown> | undefined;
  let again = false;
  const reconcile = (): void => {
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = engine
      .reconcile()
      .then((counts) => {
        if (counts.polled || counts.resubmitted || counts.timedOut || counts.reported)
          logger.info(counts, 'reconciled overdue targets and reports');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciling failed; will try again'))
      .finally(() => {
        running = undefined;
        if (again && !closed) reconcile();
      });
  };
  let closed = false;
  const timer = setInterval(reconcile, config.reconcileIntervalMs);
  timer.unref();
  const due = new NotificationListener({ database: pool, channel: ENGINE_DUE_CHANNEL, onNotify: reconcile, logger });
  due.start();

  return {
    service,
    engine,
    async close() {
      closed = true;
      clearInterval(timer);
      await due.stop();
      await running;
      await engine.idle();
    },
  };
}
