import { createLogger, loadCommonConfig } from '@packflow/core';
import { startContext, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { StreamWorkerModule } from './stream-worker.module.js';

export async function startStreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadCommonConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'stream-worker', level: config.logLevel, pretty: config.logPretty });
  const app = await startContext(StreamWorkerModule.forRoot({ config, logger, shared: options.shared }), logger);
  return { name: 'stream-worker', close: () => app.close() };
}
