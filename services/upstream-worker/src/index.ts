import { createLogger } from '@packflow/core';
import { validateEventMessage } from '@packflow/events';
import { createJetStreamMicroservice, eventWorkerServer } from '@packflow/messaging';
import { NATS, ORM, PinoNestLogger, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { loadUpstreamWorkerConfig } from './upstream-worker.config.js';
import { UpstreamWorkerModule } from './upstream-worker.module.js';

export { loadUpstreamWorkerConfig, type UpstreamWorkerConfig } from './upstream-worker.config.js';

/**
 * Starts the upstream worker: a NestJS microservice on the JetStream transport, consuming
 * `upstream.…` events through its durable consumer. Resolves once it consumes.
 */
export async function startUpstreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadUpstreamWorkerConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'upstream-worker', level: config.logLevel, pretty: config.logPretty });
  const app = await createJetStreamMicroservice(UpstreamWorkerModule.forRoot({ config, logger, shared: options.shared }), {
    logger: new PinoNestLogger(logger),
    inject: [NATS, ORM],
    server: eventWorkerServer(config.transport, logger, validateEventMessage),
  });
  return { name: 'upstream-worker', close: () => app.close() };
}
