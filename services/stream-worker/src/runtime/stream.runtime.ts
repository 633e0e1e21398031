// What the stream worker runs on: the platform's database handle and an engine made with
// the stream ecosystem's item kinds and activities (@packflow/stream, empty until the
// CentOS Stream jobs exist). The stream ecosystem's handlers plug in here as the upstream
// one's do.
import type { Database, Logger } from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { createStreamActivities, STREAM_ECOSYSTEM } from '@packflow/stream';

export interface StreamRuntime {
  engine: PipelineEngine;
  close(): Promise<void>;
}

/** The runtime on `pool`, the process's database handle (the platform owns and closes it). */
export function createStreamRuntime(pool: Database, logger: Logger): StreamRuntime {
  const engine = createEngine({
    db: pool,
    kinds: STREAM_ECOSYSTEM.kinds,
    activities: createStreamActivities(),
    logger,
  });
  return {
    engine,
    async close() {
      await engine.idle();
    },
  };
}
