import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { metrics, NotificationListener, type Database, type Logger } from '@packflow/core';
import { JetStreamPublisher, type MessageHeaders } from './jetstream.publisher.js';
import { ensureStream, type StreamSpec } from './jetstream.topology.js';

/**
 * Postgres channel the relay listens on. A trigger on `shared.outbox` notifies it after
 * every insert statement (migration 20261120T231500-dead-letters), so writers need not
 * do anything; `NOTIFY packflow_outbox` by hand wakes the relay too.
 */
export const OUTBOX_NOTIFY_CHANNEL = 'packflow_outbox';

export interface OutboxRelayOptions {
  /** The process's database handle: claims run on it, and LISTEN holds one of its connections. */
  database: Pick<Database, 'connect' | 'query'>;
  nats: NatsConnection;
  logger: Logger;
  /** Created (or updated) before the first publish, so events have a stream before any worker starts. */
  streams?: readonly StreamSpec[];
  /** Rows claimed per transaction (default 200). */
  batchSize?: number;
  /** Safety-net poll when no notification comes (default 2 s). */
  pollIntervalMs?: number;
  /**
   * After a pass that published something, notifications wait this long (default 20 ms)
   * so rows committed meanwhile go in one claim. 0: every notification runs a pass.
   */
  settleMs?: number;
  /** Wait after a failed publish: doubles from min to max (default 200 ms to 5 s); a NATS reconnect ends it. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** How long one publish waits for the stream's acknowledgement (default 5 s). */
  publishTimeoutMs?: number;
}

interface OutboxRow {
  id: string;
  subject: string;
  msg_id: string;
  /** The jsonb payload as JSON text. */
  payload: string;
  headers: MessageHeaders | null;
}

/** Outbox rows in id order (bigint ids as text: shorter is smaller). */
const byId = (a: OutboxRow, b: OutboxRow): number =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export interface RelayPass {
  published: number;
  failed: number;
}

/**
 * Drains the transactional outbox into JetStream. Claims rows in id order (`FOR UPDATE
 * SKIP LOCKED`, so several scheduler replicas share the work) by deleting them, publishes
 * each with Nats-Msg-Id = msg_id (a publish repeated after a crash or a lost ack is
 * dropped by the stream as a duplicate), and commits when every publish was
 * acknowledged. A failed publish undoes the claim, records attempts and last_error, and
 * is retried with backoff. Wakes on NOTIFY, on NATS reconnect, and polls as a safety net.
 */
export class OutboxRelay {
  private readonly publisher: JetStreamPublisher;
  private readonly log: Logger;
  private readonly batchSize: number;
  private loop?: Promise<void>;
  private stopped = false;
  private notified = false;
  private settling = false;
  private streamsReady = false;
  private wake?: () => void;
  private readonly listener: NotificationListener;
  private natsStatus?: AsyncIterable<{ type: string }> & { stop?: () => void };
  private unregisterMetrics: Array<() => void> = [];

  constructor(private readonly options: OutboxRelayOptions) {
    this.log = options.logger.child({ component: 'outbox-relay' });
    this.batchSize = options.batchSize ?? 200;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new RangeError(`outbox relay batchSize must be a positive integer, not ${options.batchSize}`);
    }
    this.publisher = new JetStreamPublisher(options.nats, { timeoutMs: options.publishTimeoutMs ?? 5000 });
    this.listener = new NotificationListener({
      database: options.database,
      channel: OUTBOX_NOTIFY_CHANNEL,
      onNotify: () => this.signal(),
      logger: this.log,
    });
  }

  /** Starts listening and relaying; returns at once (a database or NATS outage is retried, not thrown). */
  start(): void {
    if (this.loop) return;
    this.unregisterMetrics = [
      metrics.outboxBacklog.add(async () => [[{}, (await this.backlog()).messages]]),
      metrics.outboxOldestAge.add(async () => [[{}, (await this.backlog()).oldestAgeSeconds]]),
    ];
    this.listener.start();
    void this.watchNats();
    this.loop = this.run();
  }

  /** Stops after the batch in progress; gives back the connection it listened on. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const unregister of this.unregisterMetrics) unregister();
    this.wake?.();
    this.natsStatus?.stop?.();
    const listening = this.listener.stop();
    await this.loop;
    await listening;
    this.publisher.close();
  }

  /** What waits to be published: how many messages, and the age of the oldest (0 when none). */
  async backlog(): Promise<{ messages: number; oldestAgeSeconds: number }> {
    const { rows } = await this.options.database.query<{ messages: number; age: number }>(
      `select count(*)::int as messages,
              coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
         from shared.outbox`,
    );
    return { messages: rows[0].messages, oldestAgeSeconds: rows[0].age };
  }

  /** Publishes until no unpublished row is left or a publish fails. */
  async relayPending(): Promise<RelayPass> {
    const total: RelayPass = { published: 0, failed: 0 };
    for (;;) {
      const pass = await this.relayBatch();
      total.published += pass.published;
      total.failed += pass.failed;
      if (pass.failed > 0 || pass.published < this.batchSize || this.stopped) return total;
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.notified = false;
      let failed = 0;
      let published = 0;
      try {
        ({ failed, published } = await this.relayPending());
      } catch (error) {
        failed = 1;
        this.log.warn({ err: error }, 'outbox relay pass failed');
      }
      if (this.stopped) break;
      if (failed > 0) {
        failures++;
        const min = this.options.retryMinMs ?? 200;
        await this.pause(Math.min(this.options.retryMaxMs ?? 5000, min * 2 ** Math.min(failures - 1, 16)));
      } else {
        failures = 0;
        const settleMs = this.options.settleMs ?? 20;
        if (published > 0 && settleMs > 0) {
          // Busy: each intake transaction notifies, and a pass per notification claimed a
          // handful of rows with two round trips and a transaction of its own (about
          // 8% of the scheduler's CPU in bench/intake). Waiting a moment lets the rows
          // of several intake batches go in one pass. A row arriving when the relay was
          // idle (the previous pass published nothing) is still published at once.
          this.settling = true;
          await this.pause(settleMs);
          this.settling = false;
        } else if (!this.notified) await this.pause(this.options.pollIntervalMs ?? 2000);
      }
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private signal(): void {
    this.notified = true;
    if (!this.settling) this.wake?.();
  }

  private async relayBatch(): Promise<RelayPass> {
    const client = await this.options.database.connect();
    try {
      // begin and the claim in one round trip (a simple query of three statements; the
      // batch size is an integer checked in the constructor). The claim deletes the rows
      // it picks (SKIP LOCKED, so replicas share the work) and returns them; the commit
      // after every publish was acknowledged makes that final. Locking the rows with
      // FOR UPDATE first and deleting them after wrote each row twice (bench/intake).
      // The payload is read as text and published as it is: parsing it (pg's jsonb
      // reader) only to stringify it again for NATS cost the relay twice over. The commit
      // does not wait for its WAL flush: lost in a database crash, those rows are
      // published again with the same Nats-Msg-Id and the stream drops them, so the
      // flush bought nothing but a second fsync per intake batch.
      const claimed = (await client.query(
        `begin; set local synchronous_commit = off;
         delete from shared.outbox where id in (
           select id from shared.outbox order by id limit ${this.batchSize} for update skip locked)
         returning id, subject, msg_id, payload::text as payload, headers`,
      )) as unknown as Array<{ rows: OutboxRow[] }>;
      const rows = claimed[2].rows.sort(byId);
      if (rows.length === 0) {
        await client.query('commit');
        return { published: 0, failed: 0 };
      }
      const results = await this.publishAll(rows);
      const failed = rows.filter((_, i) => results[i] !== undefined);
      if (failed.length === 0) {
        await client.query('commit');
        this.log.debug({ published: rows.length }, 'outbox rows published');
        return { published: rows.length, failed: 0 };
      }
      // A publish failed: the claim is undone and every row stays (those published go
      // again later with the same Nats-Msg-Id, which the stream drops); the failed ones
      // count an attempt and keep the error.
      await client.query('rollback');
      await client.query(
        `update shared.outbox o set attempts = o.attempts + 1, last_error = f.error
           from unnest($1::bigint[], $2::text[]) as f(id, error) where o.id = f.id`,
        [failed.map((r) => r.id), failed.map((r) => results[rows.indexOf(r)]!)],
      );
      this.log.warn(
        { failed: failed.length, published: rows.length - failed.length, error: results[rows.indexOf(failed[0])] },
        'outbox publish failed; will retry',
      );
      return { published: rows.length - failed.length, failed: failed.length };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Publishes a claimed batch in id order (one connection keeps the order); the error text of each failure. */
  private async publishAll(rows: OutboxRow[]): Promise<Array<string | undefined>> {
    if (!this.streamsReady && this.options.streams?.length) {
      try {
        const jsm = await jetstreamManager(this.options.nats);
        for (const spec of this.options.streams) await ensureStream(jsm, spec);
        this.streamsReady = true;
      } catch (error) {
        const text = `stream setup failed: ${(error as Error).message}`;
        return rows.map(() => text);
      }
    }
    const results = await this.publisher.publishJsonBatch(
      rows.map((r) => ({ subject: r.subject, json: r.payload, msgId: r.msg_id, headers: r.headers })),
    );
    return results.map((error) => error?.slice(0, 2000));
  }

  /** A NATS reconnect ends the backoff at once. */
  private async watchNats(): Promise<void> {
    this.natsStatus = this.options.nats.status();
    for await (const status of this.natsStatus) {
      if (this.stopped) break;
      if (status.type === 'reconnect') this.signal();
    }
  }
}
