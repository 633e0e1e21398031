import { createLogger, loadCommonConfig } from '@packflow/core';
import { startContext, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { UpstreamWorkerModule } from './upstream-worker.module.js';

export async function startUpstreamWorker(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadCommonConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'upstream-worker', level: config.logLevel, pretty: config.logPretty });
  const app = await startContext(UpstreamWorkerModule.forRoot({ config, logger, shared: options.shared }), logger);
  return { name: 'upstream-worker', close: () => app.close() };
}
