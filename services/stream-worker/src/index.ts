import { validateStreamMessage } from '@packflow/events';
import { startJetStreamWorker } from '@packflow/nest-jetstream';
import type { RunningService, ServiceStartOptions } from '@packflow/platform';
import { loadStreamWorkerConfig } from './stream-worker.config.js';
import { StreamWorkerModule } from './stream-worker.module.js';

export { loadStreamWorkerConfig, type StreamWorkerConfig } from './stream-worker.config.js';

/**
 * Starts the stream worker: a NestJS microservice on the JetStream transport, consuming
 * `stream.…` events (and announcements of loaded KCIDB submissions) through its durable consumer. Resolves once it consumes.
 */
export function startStreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  return startJetStreamWorker(
    {
      name: 'stream-worker',
      config: loadStreamWorkerConfig(options.env),
      validate: validateStreamMessage,
      module: (platform) => StreamWorkerModule.forRoot(platform),
    },
    options,
  );
}
