// The intake tests' scheduler: a database and a nats-server of their own, the scheduler
// started on them with the secrets below, and every log line it writes kept (to check no
// secret shows up in one). `schedulerFixture()` registers the jest hooks and hands back one
// object whose fields are set once the scheduler runs.
import { afterAll, beforeAll } from '@jest/globals';
import type pg from 'pg';
import type { Logger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import { PACKFLOW_EVENTS_STREAM } from '@packflow/messaging';
import {
  createTestDatabase,
  publishedMessages,
  startNatsServer,
  type StoredMessage,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startScheduler } from '../../index.js';

export const SECRET = 'gh-webhook-secret-for-tests';
export const GITLAB_TOKEN = 'gl-token-for-tests';
export const MESSAGES_TOKEN = 'bus-token-for-tests';
export const TF_TOKEN = 'tf-token-for-tests';
export const BODY_LIMIT = 64 * 1024;
export const HEAD = 'ab'.repeat(20);

export interface SchedulerFixture {
  pool: pg.Pool;
  /** The scheduler's nats-server (tests stop and start it). */
  nats: TestNatsServer;
  url: string;
  /** Every log line the scheduler wrote, as text. */
  logLines: string[];
  /** Rows of `table` matching `where`. */
  count(table: string, where?: string, params?: unknown[]): Promise<number>;
  /** How many events are recorded and messages published, once the relay has published what the outbox held. */
  recorded(): Promise<{ events: number; published: number }>;
  /** The messages published with this Nats-Msg-Id (a delivery id), once the relay has sent what the outbox held of it. */
  published(msgId: string): Promise<StoredMessage[]>;
}

/** Records every log line the scheduler writes. */
function recordingLogger(lines: string[]): Logger {
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(
        `${level} ${JSON.stringify(args, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))}`,
      );
    };
  const logger: Record<string, unknown> = { level: 'trace', flush: () => {} };
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) logger[level] = write(level);
  logger.child = () => logger;
  logger.isLevelEnabled = () => true;
  return logger as unknown as Logger;
}

export function schedulerFixture(): SchedulerFixture {
  let db: TestDatabase;
  let service: RunningService;
  const f = {
    logLines: [] as string[],
    async count(table: string, where = 'true', params: unknown[] = []) {
      return Number((await f.pool.query(`select count(*) from ${table} where ${where}`, params)).rows[0].count);
    },
    async recorded() {
      const published = (await publishedMessages({ pool: f.pool, natsUrl: f.nats.url, stream: PACKFLOW_EVENTS_STREAM }))
        .length;
      return { events: await f.count('shared.events'), published };
    },
    published(msgId: string) {
      return publishedMessages({ pool: f.pool, natsUrl: f.nats.url, stream: PACKFLOW_EVENTS_STREAM, msgIds: [msgId] });
    },
  } as SchedulerFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    f.pool = db.pool();
    f.nats = await startNatsServer();
    service = await startScheduler({
      env: {
        DATABASE_URL: db.url,
        NATS_URL: f.nats.url,
        SCHEDULER_PORT: '0',
        GITHUB_WEBHOOK_SECRET: SECRET,
        GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
        MESSAGES_TOKEN,
        WEBHOOK_BODY_LIMIT: String(BODY_LIMIT),
      },
      logger: recordingLogger(f.logLines),
    });
    f.url = service.url!;
  });
  afterAll(async () => {
    await service?.close();
    await f.nats?.dispose();
    await db?.drop();
  });
  return f;
}
