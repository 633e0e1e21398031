// Runs the stream-worker alone, as a deployment does: `pnpm --filter ./services/stream-worker start`.
import { createLogger, loadCommonConfig } from '@packflow/core';
import { closeOnSignal } from '@packflow/platform';
import { startStreamWorker } from './index.js';

const common = loadCommonConfig();
const logger = createLogger({ name: 'stream-worker', level: common.logLevel, pretty: common.logPretty });
// Before starting: a Ctrl-C while it starts also stops it cleanly.
const stop = closeOnSignal(logger);
const service = await startStreamWorker({ logger, serveHttp: true });
logger.info({ url: service.url }, 'stream-worker started');
stop.closeWith(() => service.close());
