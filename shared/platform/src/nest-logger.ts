import type { LoggerService } from '@nestjs/common';
import type { Logger } from '@packflow/core';

/**
 * NestJS's start-up chatter (a line per module, controller and route, each start): kept
 * at debug, so a service's first lines at info are packflow's own (what it listens on,
 * what it consumes). Their warnings and errors keep their level.
 */
const BOOTSTRAP_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/** Sends NestJS's own log lines through pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  private line(level: 'info' | 'warn' | 'error' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (message instanceof Error) this.logger[level]({ context, err: message }, message.message);
    else if (typeof message === 'object') this.logger[level]({ context, ...message }, '');
    else this.logger[level]({ context }, String(message));
  }

  log(message: unknown, ...rest: unknown[]) {
    const context = rest.at(-1);
    this.line(typeof context === 'string' && BOOTSTRAP_CONTEXTS.has(context) ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.line('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.line('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.line('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.line('trace', message, rest);
  }
}
