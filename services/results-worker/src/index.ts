import { validateResultsMessage } from '@packflow/events';
import { startJetStreamWorker } from '@packflow/nest-jetstream';
import type { RunningService, ServiceStartOptions } from '@packflow/platform';
import { loadResultsWorkerConfig } from './results-worker.config.js';
import { ResultsWorkerModule } from './results-worker.module.js';

export { loadResultsWorkerConfig, type ResultsWorkerConfig } from './results-worker.config.js';

/**
 * Starts the results worker: a NestJS microservice on the JetStream transport that loads
 * KCIDB submissions announced on `results.…`. It needs no forge identity, so one
 * deployment (with any number of replicas sharing its durable) serves every origin.
 */
export function startResultsWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  return startJetStreamWorker(
    {
      name: 'results-worker',
      config: loadResultsWorkerConfig(options.env),
      validate: validateResultsMessage,
      module: (platform) => ResultsWorkerModule.forRoot(platform),
    },
    options,
  );
}
