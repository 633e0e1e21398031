// Runs the web alone, as a deployment does: `pnpm --filter ./services/web start`.
import { createLogger, loadCommonConfig } from '@packflow/core';
import { closeOnSignal } from '@packflow/platform';
import { startWeb } from './index.js';

const common = loadCommonConfig();
const logger = createLogger({ name: 'web', level: common.logLevel, pretty: common.logPretty });
// Before starting: a Ctrl-C while it starts also stops it cleanly.
const stop = closeOnSignal(logger);
const service = await startWeb({ logger });
logger.info({ url: service.url }, 'web started');
stop.closeWith(() => service.close());
