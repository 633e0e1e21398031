import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { readWorkerTransportConfig, type WorkerTransportConfig } from '@packflow/messaging';

export interface StreamWorkerConfig extends CommonConfig {
  /** JetStream: stream, durable `WORKER_DURABLE` (stream-worker), subjects `WORKER_SUBJECTS` (stream.>). */
  transport: WorkerTransportConfig;
}

export function loadStreamWorkerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<StreamWorkerConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    transport: readWorkerTransportConfig(r, { durable: 'stream-worker', subjects: ['stream.>'] }),
  });
}
