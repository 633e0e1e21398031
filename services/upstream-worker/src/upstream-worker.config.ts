import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { readWorkerTransportConfig, type WorkerTransportConfig } from '@packflow/messaging';

export interface UpstreamWorkerConfig extends CommonConfig {
  /** JetStream: stream, durable `WORKER_DURABLE` (upstream-worker), subjects `WORKER_SUBJECTS` (upstream.>). */
  transport: WorkerTransportConfig;
}

export function loadUpstreamWorkerConfig(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<UpstreamWorkerConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    transport: readWorkerTransportConfig(r, { durable: 'upstream-worker', subjects: ['upstream.>'] }),
  });
}
