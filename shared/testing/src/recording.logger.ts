// A logger that keeps what it is given, for tests that assert what is logged (and what
// never is: tokens, secrets). Every child logs into the same list.
import type { Logger } from '@packflow/core';

export interface LoggedLine {
  level: string;
  fields: Record<string, unknown>;
  message?: string;
}

export function recordingLogger(): { logger: Logger; lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  const logger: Record<string, unknown> = { level: 'trace', flush: () => {} };
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) {
    logger[level] = (fields: Record<string, unknown> | string, message?: string) =>
      lines.push(typeof fields === 'string' ? { level, fields: {}, message: fields } : { level, fields, message });
  }
  logger.child = () => logger;
  logger.isLevelEnabled = () => true;
  return { logger: logger as unknown as Logger, lines };
}
