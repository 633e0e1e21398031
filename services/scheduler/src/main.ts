// Runs the scheduler alone, as a deployment does: `pnpm --filter ./services/scheduler start`.
import { createLogger, loadCommonConfig } from '@packflow/core';
import { closeOnSignal } from '@packflow/platform';
import { startScheduler } from './index.js';

const common = loadCommonConfig();
const logger = createLogger({ name: 'scheduler', level: common.logLevel, pretty: common.logPretty });
// Before starting: a Ctrl-C while it starts also stops it cleanly.
const stop = closeOnSignal(logger);
const service = await startScheduler({ logger });
logger.info({ url: service.url }, 'scheduler started');
stop.closeWith(() => service.close());
