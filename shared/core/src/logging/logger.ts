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

/** JSON logs (pretty only when asked) with secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
    transport: options.pretty
      ? { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } }
      : undefined,
  });
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
