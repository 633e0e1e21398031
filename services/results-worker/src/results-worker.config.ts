import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { RESULTS_SUBJECTS } from '@packflow/events';
import { readWorkerTransportConfig, type WorkerTransportConfig } from '@packflow/messaging';

export interface ResultsWorkerConfig extends CommonConfig {
  /** JetStream: stream, durable `WORKER_DURABLE` (results-worker), subjects `WORKER_SUBJECTS` (results.>). */
  transport: WorkerTransportConfig;
  /**
   * `KCIDB_SWEEP_INTERVAL_MS`: how often submissions whose message never came (or was
   * dead-lettered) are looked for, and how long one must have been `ready` to be taken.
   */
  sweepIntervalMs: number;
  /** `KCIDB_LOAD_BATCH`: the most submissions loaded in one transaction (1: one at a time). */
  loadBatch: number;
  /** `KCIDB_LOAD_PARALLEL`: how many batches load at once. */
  loadParallel: number;
}

export function loadResultsWorkerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<ResultsWorkerConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    transport: readWorkerTransportConfig(r, { durable: 'results-worker', subjects: [RESULTS_SUBJECTS] }),
    sweepIntervalMs: r.int('KCIDB_SWEEP_INTERVAL_MS', 30_000, { min: 100, max: 3_600_000 }),
    loadBatch: r.int('KCIDB_LOAD_BATCH', 16, { min: 1, max: 256 }),
    loadParallel: r.int('KCIDB_LOAD_PARALLEL', 2, { min: 1, max: 64 }),
  });
}
