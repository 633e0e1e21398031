// The JetStream consumer loop, free of any framework: a durable pull consumer whose
// messages go to handlers chosen by subject pattern, acked, nak'ed with backoff or
// dead-lettered from the handler's outcome. @packflow/nest-jetstream wraps it as a
// NestJS transport; anything else can start it with a map of handlers.
import { jetstream, jetstreamManager, type Consumer, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { metrics, PackflowError, TooEarlyError, type Logger, type MikroORM } from '@packflow/core';
import { localSubject } from '@packflow/events';
import type { DeadLetterSink } from './dead-letter.repository.js';
import { REPLAY_CONSUMER_HEADER } from './dead-letter.replay.js';
import { JetStreamContext } from './jetstream.context.js';
import { fromNatsHeaders, MSG_ID_HEADER } from './jetstream.publisher.js';
import { ensureDurableConsumer, ensureStream, type StreamSpec } from './jetstream.topology.js';
import { selectPattern } from './subject.pattern.js';

/** Checks a payload before its handler runs: what is wrong with it, or undefined. */
export type PayloadValidator = (subject: string, data: unknown) => string | undefined;

/** A PayloadValidator from a check that throws (such as a schema parse): its error message is the problem. */
export function payloadValidator(check: (subject: string, data: unknown) => unknown): PayloadValidator {
  return (subject, data) => {
    try {
      check(subject, data);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  };
}

/** Handles one message's payload; a rejection decides between nak and dead letter. */
export type JetStreamHandler = (data: unknown, ctx: JetStreamContext) => Promise<unknown> | unknown;

export interface JetStreamConsumerOptions {
  nats: NatsConnection;
  /**
   * PACKFLOW_INSTANCE: its subjects start with `<instance>.`. Handlers are chosen by the
   * subject without it, so a pattern such as `upstream.>` means the same on every instance.
   */
  instance?: string;
  /** Streams created (or updated) at start; the consumer's stream must be one of them or exist. */
  streams: readonly StreamSpec[];
  /** Stream the durable consumer reads. */
  stream: string;
  /** Durable consumer name: one per worker deployment, shared by its replicas. */
  durable: string;
  /** Subjects this deployment receives (NATS wildcards); absent: every subject of the stream. */
  filterSubjects?: readonly string[];
  /** Deliveries before a message that keeps failing is dead-lettered (default 5). */
  maxDeliveries?: number;
  /** Redelivery delay after a retryable failure on delivery n: `backoffMs[n-1]`, the last repeated. */
  backoffMs?: readonly number[];
  /** Ack wait (default 30 s); while a handler runs the transport reports progress every half of it. */
  ackWaitMs?: number;
  /** Messages this replica handles at once (default 8). */
  concurrency?: number;
  /** Where a new durable starts: every message kept in the stream (default) or only new ones. */
  deliverPolicy?: 'all' | 'new';
  /** Payload check; a payload it rejects is dead-lettered at once, never retried. */
  validate?: PayloadValidator;
  deadLetters: DeadLetterSink;
  /** Lets handlers take an EntityManager of their own: `ctx.getEntityManager()`. */
  orm?: MikroORM;
  logger: Logger;
}

export const DEFAULT_BACKOFF_MS: readonly number[] = [1000, 5000, 30_000, 120_000];

const decoder = new TextDecoder();

/** Error text kept in a dead letter: code and message along the cause chain, no stack. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (e instanceof PackflowError) parts.push(`${e.code}: ${e.message}`);
    else if (e instanceof Error) parts.push(`${e.name}: ${e.message}`);
    else parts.push(typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e)));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- caused by ').slice(0, 4000);
}

/**
 * A JetStream durable pull consumer that runs handlers keyed by subject pattern (exact
 * subjects, or `*` / `>` patterns). A message is acknowledged after its handler
 * resolved; a retryable failure (`PackflowError.isRetryable`) is nak'ed with backoff; a
 * failure that is not retryable, the last allowed delivery failing, an invalid payload
 * or a subject without a handler writes a dead letter and terminates the message.
 */
export class JetStreamConsumer {
  private readonly maxDeliveries: number;
  private readonly backoffMs: readonly number[];
  private readonly ackWaitMs: number;
  private readonly concurrency: number;
  private readonly transportLog: Logger;
  private readonly termWithReason: boolean;
  private consumer?: Consumer;
  private messages?: ConsumerMessages;
  private loop?: Promise<void>;
  private closing = false;
  private wakeLoop?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  private handlers: ReadonlyMap<string, JetStreamHandler> = new Map();
  private unregisterMetrics: Array<() => void> = [];

  constructor(private readonly options: JetStreamConsumerOptions) {
    this.maxDeliveries = options.maxDeliveries ?? 5;
    this.backoffMs = options.backoffMs?.length ? options.backoffMs : DEFAULT_BACKOFF_MS;
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.concurrency = options.concurrency ?? 8;
    this.transportLog = options.logger.child({
      transport: 'jetstream',
      stream: options.stream,
      consumer: options.durable,
    });
    // A reason on +TERM is understood from nats-server 2.11; older servers ignore the
    // whole acknowledgement, so send it only where it is understood.
    const [major, minor] = (options.nats.info?.version ?? '0.0').split('.').map(Number);
    this.termWithReason = major > 2 || (major === 2 && minor >= 11);
    if (this.maxDeliveries < 1) throw new RangeError('maxDeliveries must be at least 1');
  }

  /**
   * Creates or updates the streams and the durable consumer, then consumes in the
   * background with these handlers (pattern -> handler). Resolves once it consumes.
   */
  async start(handlers: ReadonlyMap<string, JetStreamHandler>): Promise<void> {
    if (this.loop) throw new Error('the JetStream consumer is already started');
    this.handlers = handlers;
    await this.setUp();
    const { stream, durable } = this.options;
    const lag = async () => {
      const info = await jetstreamManager(this.options.nats).then((jsm) => jsm.consumers.info(stream, durable));
      return { pending: info.num_pending, ackPending: info.num_ack_pending };
    };
    this.unregisterMetrics = [
      metrics.consumerPending.add(async () => [[{ stream, consumer: durable }, (await lag()).pending]]),
      metrics.consumerAckPending.add(async () => [[{ stream, consumer: durable }, (await lag()).ackPending]]),
    ];
    this.loop = this.consumeLoop();
    this.transportLog.info(
      { filterSubjects: this.options.filterSubjects, handlers: [...handlers.keys()] },
      'consuming from JetStream',
    );
  }

  /** Creates or updates the streams and the durable consumer, and binds to the consumer. */
  private async setUp(): Promise<void> {
    const { nats, stream, durable } = this.options;
    const jsm = await jetstreamManager(nats);
    for (const spec of this.options.streams) await ensureStream(jsm, spec);
    await ensureDurableConsumer(jsm, {
      stream,
      durable,
      filterSubjects: this.options.filterSubjects,
      ackWaitMs: this.ackWaitMs,
      deliverPolicy: this.options.deliverPolicy,
    });
    this.consumer = await jetstream(nats).consumers.get(stream, durable);
  }

  /** Pulls messages and runs up to `concurrency` handlers at once until closed. */
  private async consumeLoop(): Promise<void> {
    while (!this.closing) {
      try {
        if (!this.consumer) await this.setUp();
        const messages = await this.consumer!.consume({ max_messages: this.concurrency });
        this.messages = messages;
        void this.watch(messages);
        if (this.closing) await messages.close();
        for await (const msg of messages) {
          if (this.closing) {
            msg.nak(); // pulled but not started: another replica can take it now
            continue;
          }
          const running = this.handle(msg).finally(() => this.inFlight.delete(running));
          this.inFlight.add(running);
          if (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
        }
        this.consumer = undefined; // ended without close(): set it up again
      } catch (error) {
        if (!this.closing) this.transportLog.error({ err: error }, 'JetStream consumer failed; setting it up again');
        this.consumer = undefined;
      }
      if (!this.closing) {
        await new Promise<void>((resolve) => {
          this.wakeLoop = resolve;
          setTimeout(resolve, 1000).unref();
        });
      }
    }
  }

  /** A durable deleted (or its stream) under a running worker is created again. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    for await (const status of messages.status()) {
      if (
        status.type === 'consumer_deleted' ||
        status.type === 'consumer_not_found' ||
        status.type === 'stream_not_found'
      ) {
        if (this.closing) return;
        this.transportLog.warn({ status: status.type }, 'the durable consumer is gone; creating it again');
        await messages.close().catch(() => undefined);
        return;
      }
    }
  }

  /** Handles one message; never throws. */
  private async handle(msg: JsMsg): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    const msgId = msg.headers?.get(MSG_ID_HEADER) || undefined;
    let log = this.transportLog.child({
      subject: msg.subject,
      msgId,
      delivery: deliveries,
      streamSeq: msg.info.streamSequence,
    });
    try {
      const replayFor = msg.headers?.get(REPLAY_CONSUMER_HEADER);
      if (replayFor && replayFor !== this.options.durable) {
        msg.ack(); // a replay meant for another deployment
        return;
      }
      const text = decoder.decode(msg.data);
      if (deliveries > this.maxDeliveries) {
        await this.deadLetter(
          msg,
          log,
          parseOr(text),
          `no outcome after ${this.maxDeliveries} deliveries (a handler outran the ack wait, or its process stopped)`,
        );
        return;
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        await this.deadLetter(msg, log, text, 'invalid payload: not JSON');
        return;
      }
      // The ids a message carries go on every line logged about it.
      log = log.child(idsOf(data));
      const problem = this.options.validate?.(msg.subject, data);
      if (problem) {
        await this.deadLetter(msg, log, data, `invalid payload: ${problem}`);
        return;
      }
      // Without an instance the subject is taken as it is (tests use subjects of their own).
      const { instance } = this.options;
      const local = instance ? localSubject(msg.subject, instance) : msg.subject;
      const handler = local === undefined ? undefined : this.findHandler(local);
      if (!handler) {
        const whose = local === undefined ? ` (not a subject of instance ${instance})` : '';
        await this.deadLetter(msg, log, data, `no handler for subject ${msg.subject}${whose}`);
        return;
      }
      try {
        await this.invoke(handler, data, new JetStreamContext(msg, log, this.options.orm), msg);
      } catch (error) {
        await this.failed(msg, log, data, error);
        return;
      }
      msg.ack();
      metrics.messagesHandled.inc({ consumer: this.options.durable, outcome: 'acked' });
      log.debug('handled');
    } catch (error) {
      // Only the dead-letter write can land here (the database is unreachable): keep the
      // message and try again later rather than lose it.
      const delay = this.backoffMs[this.backoffMs.length - 1];
      log.error({ err: error, retryInMs: delay }, 'could not record a dead letter; the message stays in the stream');
      msg.nak(delay);
    }
  }

  private async invoke(handler: JetStreamHandler, data: unknown, ctx: JetStreamContext, msg: JsMsg): Promise<void> {
    // Long handlers keep the message theirs: "in progress" resets JetStream's ack timer.
    const progress = setInterval(() => msg.working(), Math.max(1000, this.ackWaitMs / 2));
    progress.unref();
    try {
      await handler(data, ctx);
    } finally {
      clearInterval(progress);
    }
  }

  private async failed(msg: JsMsg, log: Logger, data: unknown, error: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    if (PackflowError.isRetryable(error) && deliveries < this.maxDeliveries) {
      const backoff = this.backoffMs[Math.min(deliveries, this.backoffMs.length) - 1];
      const asked = (error as { retryAfterMs?: unknown }).retryAfterMs;
      const delay = typeof asked === 'number' && asked > backoff ? asked : backoff;
      if (error instanceof TooEarlyError)
        log.info(
          { code: error.code, reason: error.message, retryInMs: delay },
          'too early for this message; retrying later',
        );
      else log.warn({ err: error, retryInMs: delay }, 'handler failed; retrying later');
      msg.nak(delay);
      metrics.messagesHandled.inc({ consumer: this.options.durable, outcome: 'retried' });
      return;
    }
    const why = PackflowError.isRetryable(error) ? `failed on all ${this.maxDeliveries} deliveries; last error: ` : '';
    await this.deadLetter(msg, log, data, `${why}${describeError(error)}`, error);
  }

  private async deadLetter(msg: JsMsg, log: Logger, payload: unknown, reason: string, error?: unknown): Promise<void> {
    await this.options.deadLetters.record({
      subject: msg.subject,
      payload,
      headers: fromNatsHeaders(msg.headers),
      error: reason,
      deliveries: msg.info.deliveryCount,
      stream: msg.info.stream,
      consumer: this.options.durable,
      streamSeq: msg.info.streamSequence,
      msgId: msg.headers?.get(MSG_ID_HEADER) || undefined,
    });
    if (this.termWithReason) msg.term(reason.slice(0, 200));
    else msg.term();
    metrics.messagesHandled.inc({ consumer: this.options.durable, outcome: 'dead_lettered' });
    metrics.messagesDeadLettered.inc({ consumer: this.options.durable });
    log.error({ err: error, reason }, 'message dead-lettered');
  }

  private readonly handlerCache = new Map<string, string | undefined>();

  private findHandler(subject: string): JetStreamHandler | undefined {
    if (!this.handlerCache.has(subject)) {
      this.handlerCache.set(subject, selectPattern(this.handlers.keys(), subject));
    }
    const pattern = this.handlerCache.get(subject);
    return pattern === undefined ? undefined : this.handlers.get(pattern);
  }

  /** Stops pulling, waits for the handlers that are running, and flushes their acks. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const unregister of this.unregisterMetrics) unregister();
    this.wakeLoop?.();
    // Neither waits for ever while NATS is unreachable: acks not sent are redelivered.
    await settleWithin(this.messages?.close(), 5000);
    await settleWithin(this.loop, 10_000);
    await Promise.allSettled([...this.inFlight]);
    if (!this.options.nats.isClosed()) await settleWithin(this.options.nats.flush(), 5000);
    this.transportLog.info('stopped consuming');
  }

  /** The connection and the bound consumer (absent between a failure and its set-up again). */
  unwrap(): { nats: NatsConnection; consumer?: Consumer } {
    return { nats: this.options.nats, consumer: this.consumer };
  }
}

async function settleWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise?.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

/** The ids of a payload worth a log field: event, pipeline, KCIDB submission. */
function idsOf(data: unknown): Record<string, string> {
  const ids: Record<string, string> = {};
  if (data && typeof data === 'object') {
    for (const key of ['eventId', 'pipelineId', 'submissionId']) {
      const value = (data as Record<string, unknown>)[key];
      if (typeof value === 'string') ids[key] = value;
    }
  }
  return ids;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
