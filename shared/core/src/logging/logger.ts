import { pino, type Logger } from 'pino';
import type { LogLevel } from '@packflow/base';

export type { Logger } from 'pino';

/** Keys whose values never reach a log line, wherever they sit in an object. */
const SECRET_KEYS = [
  'token',
  'secret',
  'password',
  'authorization',
  'privateKey',
  'private_key',
  'webhookSecret',
  'x-hub-signature-256',
  'x-gitlab-token',
];

const redactPaths = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `headers["${k}"]`, `req.headers["${k}"]`]);

export interface LoggerOptions {
  name: string;
  level?: LogLevel;
  pretty?: boolean;
}

/**
 * JSON logs (pretty only when asked) with secrets redacted. JSON lines go to stdout
 * through pino's asynchronous destination: a line is queued and written while the
 * service goes on (a synchronous write per line cost the intake a sixth of its
 * throughput); pino writes what is queued synchronously when the process exits.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings = {
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  if (options.pretty) {
    return pino({
      ...settings,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(settings, pino.destination({ dest: 1, sync: false }));
}

/** Hides the password of a connection URL for messages: `postgres://u:***@host/db`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('token')) u.searchParams.set('token', '***');
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
