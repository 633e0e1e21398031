// Runs the upstream-worker alone, as a deployment does: `pnpm --filter ./services/upstream-worker start`.
import { createLogger, loadCommonConfig } from '@packflow/core';
import { closeOnSignal } from '@packflow/platform';
import { startUpstreamWorker } from './index.js';

const common = loadCommonConfig();
const logger = createLogger({ name: 'upstream-worker', level: common.logLevel, pretty: common.logPretty });
// Before starting: a Ctrl-C while it starts also stops it cleanly.
const stop = closeOnSignal(logger);
const service = await startUpstreamWorker({ logger, serveHttp: true });
logger.info({ url: service.url }, 'upstream-worker started');
stop.closeWith(() => service.close());
