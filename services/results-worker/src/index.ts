import { createLogger } from '@packflow/core';
import { validateResultsMessage } from '@packflow/events';
import { createJetStreamMicroservice, eventWorkerServer } from '@packflow/messaging';
import { NATS, ORM, PinoNestLogger, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { loadResultsWorkerConfig } from './results-worker.config.js';
import { ResultsWorkerModule } from './results-worker.module.js';

export { loadResultsWorkerConfig, type ResultsWorkerConfig } from './results-worker.config.js';

/**
 * Starts the results worker: a NestJS microservice on the JetStream transport that loads
 * KCIDB submissions announced on `results.…`. It needs no forge identity, so one
 * deployment (with any number of replicas sharing its durable) serves every origin.
 */
export async function startResultsWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadResultsWorkerConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'results-worker', level: config.logLevel, pretty: config.logPretty });
  const app = await createJetStreamMicroservice(ResultsWorkerModule.forRoot({ config, logger, shared: options.shared }), {
    logger: new PinoNestLogger(logger),
    inject: [NATS, ORM],
    server: eventWorkerServer(config.transport, logger, validateResultsMessage),
  });
  return { name: 'results-worker', close: () => app.close() };
}
