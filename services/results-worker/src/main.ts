// Runs the results-worker alone, as a deployment does: `pnpm --filter ./services/results-worker start`.
import { createLogger, loadCommonConfig } from '@packflow/core';
import { closeOnSignal } from '@packflow/platform';
import { startResultsWorker } from './index.js';

const common = loadCommonConfig();
const logger = createLogger({ name: 'results-worker', level: common.logLevel, pretty: common.logPretty });
// Before starting: a Ctrl-C while it starts also stops it cleanly.
const stop = closeOnSignal(logger);
const service = await startResultsWorker({ logger, serveHttp: true });
logger.info({ url: service.url }, 'results-worker started');
stop.closeWith(() => service.close());
