import { createLogger } from '@packflow/core';
import { startHttpService, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { loadSchedulerConfig } from './scheduler.config.js';
import { SchedulerModule } from './scheduler.module.js';

export { loadSchedulerConfig, type SchedulerConfig } from './scheduler.config.js';

export async function startScheduler(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadSchedulerConfig(options.env);
  const logger =
    options.logger ?? createLogger({ name: 'scheduler', level: config.logLevel, pretty: config.logPretty });
  const { app, url } = await startHttpService(SchedulerModule.forRoot({ config, logger, shared: options.shared }), {
    service: 'scheduler',
    logger,
    port: config.port,
    host: config.host,
    bodyLimit: config.bodyLimit,
  });
  return { name: 'scheduler', url, close: () => app.close() };
}
