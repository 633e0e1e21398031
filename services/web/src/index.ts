import { createLogger } from '@packflow/core';
import { startHttpService, type RunningService, type ServiceStartOptions } from '@packflow/platform';
import { serveOpenApi } from './api/openapi.js';
import { serveDashboardAssets } from './dashboard/dashboard.js';
import { loadWebConfig } from './web.config.js';
import { WebModule } from './web.module.js';

export { loadWebConfig, type WebConfig } from './web.config.js';

export async function startWeb(options: ServiceStartOptions = {}): Promise<RunningService> {
  const config = loadWebConfig(options.env);
  const logger = options.logger ?? createLogger({ name: 'web', level: config.logLevel, pretty: config.logPretty });
  const { app, url } = await startHttpService(WebModule.forRoot({ config, logger, shared: options.shared }), {
    service: 'web',
    logger,
    port: config.port,
    host: config.host,
    bodyLimit: config.bodyLimit,
    beforeListen: async (app) => {
      serveOpenApi(app);
      await serveDashboardAssets(app);
    },
  });
  return { name: 'web', url, close: () => app.close() };
}
