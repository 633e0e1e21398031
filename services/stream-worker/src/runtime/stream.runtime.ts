// What the stream worker runs on: the platform's database handle, the stream ecosystem
// (@packflow/stream: the GitLab driver of its identity, sync activities, reporter, handler),
// the engine made with its item kinds and activities, and the reconciler loop. Without a
// GitLab identity the engine has no activities and events are only acknowledged.
import type { Database, Logger } from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { createStream, STREAM_ECOSYSTEM, type StreamService } from '@packflow/stream';
import type { StreamWorkerConfig } from '../stream-worker.config.js';

export interface StreamRuntime {
  /** Absent without a GitLab identity. */
  service?: StreamService;
  engine: PipelineEngine;
  close(): Promise<void>;
}

/** The runtime on `pool`, the process's database handle (the platform owns and closes it). */
export function createStreamRuntime(
  config: Readonly<StreamWorkerConfig>,
  pool: Database,
  logger: Logger,
): StreamRuntime {
  const stream = config.stream ? createStream({ sql: pool, settings: config.stream, logger }) : undefined;
  if (!stream) logger.warn('no GitLab identity (GITLAB_TOKEN): stream events are acknowledged, nothing is synced');
  const engine = createEngine({
    db: pool,
    kinds: STREAM_ECOSYSTEM.kinds,
    activities: stream?.activities ?? { jobs: {} },
    logger,
    instances: stream?.instances ?? [],
  });
  const service = stream?.handler(engine);

  // The reconciler: rescues sync steps a crash left behind, and reports that did not go out.
  let running: Promise<unknown> | undefined;
  const timer = stream
    ? setInterval(() => {
        running ??= engine
          .reconcile()
          .then((counts) => {
            if (counts.polled || counts.resubmitted || counts.timedOut || counts.reported)
              logger.info(counts, 'reconciled overdue sync steps and reports');
          })
          .catch((error: unknown) => logger.warn({ err: error }, 'reconciling failed; will try again'))
          .finally(() => (running = undefined));
      }, config.reconcileIntervalMs)
    : undefined;
  timer?.unref();

  return {
    service,
    engine,
    async close() {
      if (timer) clearInterval(timer);
      await running;
      await engine.idle();
    },
  };
}
