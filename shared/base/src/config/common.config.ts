import { EnvReader } from './env.reader.js';
import { instanceNameProblem } from './instance.name.js';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/packflow';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Settings every packflow process reads: where PostgreSQL and NATS are, how to log. */
export interface CommonConfig {
  databaseUrl: string;
  natsUrl: string;
  logLevel: LogLevel;
  /** Pretty logs: LOG_FORMAT=pretty, or `auto` (default) and stdout is a terminal. */
  logPretty: boolean;
  /**
   * PACKFLOW_INSTANCE: the name this installation's JetStream stream, consumers and subjects
   * carry, so installations sharing a NATS server never see each other's messages.
   * Unset: the unprefixed names (`PACKFLOW_EVENTS`, `upstream.…`).
   */
  instance?: string;
}

export function readCommonConfig(reader: EnvReader, isTty = Boolean(process.stdout.isTTY)): CommonConfig {
  const format = reader.oneOf('LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'] as const);
  return {
    databaseUrl: reader.url('DATABASE_URL', DEFAULT_DATABASE_URL, ['postgres', 'postgresql'], true)!,
    natsUrl: reader.url('NATS_URL', DEFAULT_NATS_URL, ['nats', 'tls', 'ws', 'wss'], true)!,
    logLevel: reader.oneOf<LogLevel>('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    logPretty: format === 'pretty' || (format === 'auto' && isTty),
    instance: reader.checked('PACKFLOW_INSTANCE', instanceNameProblem),
  };
}

/** The common config alone, for processes with nothing else to read. */
export function loadCommonConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<CommonConfig> {
  const reader = new EnvReader(env);
  return reader.done(readCommonConfig(reader));
}
