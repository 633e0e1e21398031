import { validateEventMessage } from '@packflow/events';
import { startJetStreamWorker } from '@packflow/nest-jetstream';
import type { RunningService, ServiceStartOptions } from '@packflow/platform';
import { loadUpstreamWorkerConfig } from './upstream-worker.config.js';
import { UpstreamWorkerModule } from './upstream-worker.module.js';

export { loadUpstreamWorkerConfig, type UpstreamWorkerConfig } from './upstream-worker.config.js';

/**
 * Starts the upstream worker: a NestJS microservice on the JetStream transport, consuming
 * `upstream.…` events through its durable consumer. Resolves once it consumes.
 */
export function startUpstreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  return startJetStreamWorker(
    {
      name: 'upstream-worker',
      config: loadUpstreamWorkerConfig(options.env),
      validate: validateEventMessage,
      module: (platform) => UpstreamWorkerModule.forRoot(platform),
    },
    options,
  );
}
