// LISTEN on a PostgreSQL channel for as long as a process wants wake-ups: one connection of
// the process's Database held while it lives, given back broken when it is lost (so the
// pool drops it), and listened again after an outage with backoff. `onNotify` runs for
// every notification and once after each (re)LISTEN, since a notification sent while
// nobody listened is lost. The outbox relay (packflow_outbox) and the upstream worker's
// engine (packflow_engine_due) wake this way.
import type pg from 'pg';
import type { Logger } from '../logging/logger.js';
import type { Database } from './database.js';

export interface NotificationListenerOptions {
  database: Pick<Database, 'connect'>;
  /** A channel name (an SQL identifier: letters, digits, `_`). */
  channel: string;
  onNotify: () => void;
  logger: Logger;
}

export class NotificationListener {
  private stopped = false;
  private endWait?: () => void;
  private running?: Promise<void>;

  constructor(private readonly options: NotificationListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Stops listening and gives the connection back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.endWait?.();
    await this.running;
  }

  private async loop(): Promise<void> {
    const { channel, logger: log } = this.options;
    let failures = 0;
    const onNotification = () => this.options.onNotify();
    while (!this.stopped) {
      let client: pg.PoolClient | undefined;
      let broken: Error | undefined;
      let onError: ((err: Error) => void) | undefined;
      try {
        client = await this.options.database.connect();
        const held = client;
        const lost = new Promise<void>((resolve) => {
          onError = (err: Error) => {
            broken = err;
            log.warn({ err, channel }, 'LISTEN connection lost');
            resolve();
          };
          this.endWait = resolve;
        });
        held.on('error', onError!);
        held.on('notification', onNotification);
        await held.query(`listen ${channel}`);
        failures = 0;
        this.options.onNotify(); // something may have happened while nobody listened
        if (!this.stopped) await lost;
      } catch (error) {
        broken = error as Error;
        if (failures++ === 0) log.warn({ err: error, channel }, 'could not LISTEN; polling only until it can');
      }
      if (client) {
        client.off('notification', onNotification);
        if (onError) client.off('error', onError);
        if (!broken) await client.query(`unlisten ${channel}`).catch((err: Error) => (broken = err));
        client.release(broken ?? undefined);
      }
      if (!this.stopped)
        await new Promise<void>((resolve) => {
          this.endWait = resolve;
          setTimeout(resolve, Math.min(30_000, 1000 * 2 ** Math.min(failures, 5))).unref();
        });
    }
  }
}
