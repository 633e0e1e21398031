// What the stream worker runs on: a connection pool and an engine made with the stream
// ecosystem's item kinds and activities (@packflow/stream, empty until the CentOS Stream
// jobs exist). The stream ecosystem's handlers plug in here as the upstream one's do.
import pg from 'pg';
import type { Logger } from '@packflow/core';
import { createEngine, type PipelineEngine } from '@packflow/engine';
import { createStreamActivities, STREAM_ECOSYSTEM } from '@packflow/stream';
import type { StreamWorkerConfig } from '../stream-worker.config.js';

export interface StreamRuntime {
  engine: PipelineEngine;
  close(): Promise<void>;
}

export function createStreamRuntime(config: Readonly<StreamWorkerConfig>, logger: Logger): StreamRuntime {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 5 });
  // A connection PostgreSQL ends (a restart) is replaced on next use; it must not end the process.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'an idle database connection was closed'));
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
      await pool.end();
    },
  };
}
