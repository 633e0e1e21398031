import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { readWorkerTransportConfig, type WorkerTransportConfig } from '@packflow/messaging';
import type { StreamSettings } from '@packflow/stream';

export interface StreamWorkerConfig extends CommonConfig {
  /** JetStream: stream, durable `WORKER_DURABLE` (stream-worker), subjects `WORKER_SUBJECTS` (stream.>). */
  transport: WorkerTransportConfig;
  /**
   * The stream deployment's GitLab identity and where it works (GITLAB_TOKEN, GITLAB_URL,
   * GITLAB_INSTANCE_URL, STREAM_FORK_NAMESPACE, STREAM_WORK_DIR, STREAM_GIT_NAME,
   * STREAM_GIT_EMAIL, DASHBOARD_URL). Absent without GITLAB_TOKEN: events are
   * acknowledged and nothing is synced.
   */
  stream?: StreamSettings;
  /** How often the reconciler looks for overdue sync steps and reports. */
  reconcileIntervalMs: number;
}

export function loadStreamWorkerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<StreamWorkerConfig> {
  const r = new EnvReader(env);
  const token = r.secret('GITLAB_TOKEN');
  const url = r.url('GITLAB_URL', 'https://gitlab.com', ['http', 'https'])!;
  const instanceUrl = new URL(r.url('GITLAB_INSTANCE_URL', url, ['http', 'https'])!).origin;
  const stream: StreamSettings | undefined = token
    ? {
        gitlab: { url, token, instanceUrl },
        forkNamespace: r.string('STREAM_FORK_NAMESPACE', 'packflow'),
        workDir: r.string('STREAM_WORK_DIR', join(tmpdir(), 'packflow-stream')),
        gitIdentity: {
          name: r.string('STREAM_GIT_NAME', 'packflow'),
          email: r.string('STREAM_GIT_EMAIL', 'packflow@localhost'),
        },
        dashboardUrl: r.url('DASHBOARD_URL', 'http://127.0.0.1:8081', ['http', 'https'])!,
      }
    : undefined;
  return r.done({
    ...readCommonConfig(r),
    transport: readWorkerTransportConfig(r, { durable: 'stream-worker', subjects: ['stream.>'] }),
    stream,
    reconcileIntervalMs: r.int('RECONCILE_INTERVAL_MS', 60_000, { min: 100 }),
  });
}
