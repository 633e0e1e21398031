import { createLogger } from '@packflow/core';
import { validateEventMessage } from '@packflow/events';
import { createJetStreamMicroservice, eventWorkerServer } from '@packflow/messaging';
import { NATS, ORM, PinoNestLogger, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { loadStreamWorkerConfig } from './stream-worker.config.js';
import { StreamWorkerModule } from './stream-worker.module.js';

export { loadStreamWorkerConfig, type StreamWorkerConfig } from './stream-worker.config.js';

/**
 * Starts the stream worker: a NestJS microservice on the JetStream transport, consuming
 * `stream.…` events through its durable consumer. Resolves once it consumes.
 */
export async function startStreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadStreamWorkerConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'stream-worker', level: config.logLevel, pretty: config.logPretty });
  const app = await createJetStreamMicroservice(StreamWorkerModule.forRoot({ config, logger, shared: options.shared }), {
    logger: new PinoNestLogger(logger),
    inject: [NATS, ORM],
    server: eventWorkerServer(config.transport, logger, validateEventMessage),
  });
  return { name: 'stream-worker', close: () => app.close() };
}
