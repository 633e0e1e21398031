// The JetStream consumer against a real NATS server and PostgreSQL: ack, nak with
// backoff, dead letters and replay, durables and replicas, duplicates, graceful close.
// No framework: handlers are a plain map (the NestJS adapter is tested in nest-jetstream).
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  createLogger,
  DeadLetter,
  ExternalServiceError,
  TooEarlyError,
  ValidationError,
  type Logger,
  type MikroORM,
} from '@packflow/core';
import {
  createTestDatabase,
  durableSettled,
  recordingLogger,
  testNatsUrl,
  uniqueName,
  waitFor,
  type TestDatabase,
} from '@packflow/testing';
import { DeadLetterRepository } from './dead-letter.repository.js';
import { replayDeadLetter } from './dead-letter.replay.js';
import type { JetStreamContext } from './jetstream.context.js';
import { ensureDurableConsumer, ensureStream } from './jetstream.topology.js';
import { JetStreamPublisher } from './jetstream.publisher.js';
import { JetStreamConsumer, type JetStreamHandler, type PayloadValidator } from './jetstream.consumer.js';

const logger = createLogger({ name: 'jetstream-test', level: (process.env.TEST_LOG_LEVEL as 'debug') ?? 'silent' });
const prefix = uniqueName('pfjs');
const stream = uniqueName('PFJS');

interface Call {
  pattern: string;
  subject: string;
  data: { id?: string; n?: unknown };
  delivery: number;
  msgId?: string;
}
type Behaviour = (call: Call, ctx: JetStreamContext) => unknown;

let db: TestDatabase;
let orm: MikroORM;
let nc: NatsConnection;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;
let deadLetters: DeadLetterRepository;
const workers: JetStreamConsumer[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await db.orm();
  nc = await connect({ servers: testNatsUrl() });
  jsm = await jetstreamManager(nc);
  publisher = new JetStreamPublisher(nc);
  deadLetters = new DeadLetterRepository(orm);
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`] });
});

afterEach(async () => {
  for (const worker of workers.splice(0)) await worker.close();
});

afterAll(async () => {
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.drain();
  await db.drop();
});

/** A worker: one consumer whose handlers, one per pattern, record their calls. */
async function startWorker(options: {
  durable: string;
  filter?: string;
  patterns: string[];
  behaviour?: Behaviour;
  validate?: PayloadValidator;
  maxDeliveries?: number;
  backoffMs?: number[];
  ackWaitMs?: number;
  logger?: Logger;
}): Promise<{ calls: Call[]; worker: JetStreamConsumer }> {
  const calls: Call[] = [];
  const behaviour = options.behaviour ?? (() => undefined);
  const handlers = new Map<string, JetStreamHandler>();
  for (const pattern of options.patterns) {
    handlers.set(pattern, async (data, ctx) => {
      const call = {
        pattern,
        subject: ctx.getSubject(),
        data: data as Call['data'],
        delivery: ctx.getDeliveryCount(),
        msgId: ctx.getMsgId(),
      };
      calls.push(call);
      await behaviour(call, ctx);
    });
  }
  const worker = new JetStreamConsumer({
    nats: nc,
    streams: [{ name: stream, subjects: [`${prefix}.>`] }],
    stream,
    durable: options.durable,
    filterSubjects: options.filter === undefined ? undefined : [options.filter],
    maxDeliveries: options.maxDeliveries ?? 5,
    backoffMs: options.backoffMs ?? [20, 40],
    ackWaitMs: options.ackWaitMs ?? 10_000,
    validate: options.validate,
    deadLetters,
    orm,
    logger: options.logger ?? logger,
  });
  await worker.start(handlers);
  workers.push(worker);
  return { calls, worker };
}

const consumer = (durable: string) => jsm.consumers.info(stream, durable);

const settled = (durable: string, seq: number) => durableSettled(jsm, stream, durable, seq);

const lettersOf = (durable: string) =>
  orm.em.fork().find(DeadLetter, { consumer: durable }, { orderBy: { id: 'asc' } });

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('JetStream consumer', () => {
  it('acknowledges a message only after its handler has resolved', async () => {
    const subject = `${prefix}.ack.one`;
    const durable = uniqueName('ack');
    const gate = deferred();
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.ack.>`,
      patterns: [subject],
      behaviour: () => gate.promise,
    });
    const { seq } = await publisher.publish(subject, { id: 'a1' }, { msgId: uniqueName('m') });

    await waitFor(() => calls.length === 1, { what: 'the handler to start' });
    const during = await consumer(durable);
    expect(during.num_ack_pending).toBe(1);
    expect(during.ack_floor.stream_seq).toBeLessThan(seq);

    gate.resolve();
    await settled(durable, seq);
    const after = await consumer(durable);
    expect(after.num_redelivered).toBe(0);
    expect(calls).toEqual([expect.objectContaining({ subject, data: { id: 'a1' }, delivery: 1 })]);
  });

  it('retries a retryable failure with backoff, then succeeds and acknowledges', async () => {
    const subject = `${prefix}.retry.one`;
    const durable = uniqueName('retry');
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.retry.>`,
      patterns: [subject],
      behaviour: (call) => {
        if (call.delivery < 3) throw new ExternalServiceError('copr', 'answered 503', { status: 503 });
      },
    });
    const { seq } = await publisher.publish(subject, { id: 'r1' }, { msgId: uniqueName('m') });

    await settled(durable, seq);
    expect(calls.map((c) => c.delivery)).toEqual([1, 2, 3]);
    expect(await lettersOf(durable)).toEqual([]);
  });

  it('retries a message that came too early, logging it as a wait (no warning, no stack), not as a failure', async () => {
    const subject = `${prefix}.early.one`;
    const durable = uniqueName('early');
    const { logger: recording, lines } = recordingLogger();
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.early.>`,
      patterns: [subject],
      logger: recording,
      behaviour: (call) => {
        if (call.delivery < 2) throw new TooEarlyError('build_not_recorded', 'no target has recorded build 7 yet');
      },
    });
    const { seq } = await publisher.publish(subject, { id: 'e1' }, { msgId: uniqueName('m') });

    await settled(durable, seq);
    expect(calls.map((c) => c.delivery)).toEqual([1, 2]);
    expect(await lettersOf(durable)).toEqual([]);
    const waits = lines.filter((l) => l.message?.startsWith('too early'));
    expect(waits).toEqual([
      {
        level: 'info',
        fields: { code: 'build_not_recorded', reason: 'no target has recorded build 7 yet', retryInMs: 20 },
        message: 'too early for this message; retrying later',
      },
    ]);
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([]);
  });

  it('dead-letters a failure that is not retryable at once, with its error; replay delivers it again to that durable only', async () => {
    const subject = `${prefix}.fatal.one`;
    const durable = uniqueName('fatal');
    const bystander = uniqueName('bystander');
    let fixed = false;
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.fatal.>`,
      patterns: [subject],
      behaviour: () => {
        if (!fixed) throw new ValidationError('pipeline 42 has no step copr_build');
      },
    });
    const other = await startWorker({ durable: bystander, filter: `${prefix}.fatal.>`, patterns: [subject] });
    const msgId = uniqueName('m');
    const { seq } = await publisher.publish(subject, { id: 'f1' }, { msgId });

    const [letter] = await waitFor(async () => ((await lettersOf(durable)).length ? lettersOf(durable) : undefined), {
      what: 'a dead letter',
    });
    expect(letter).toMatchObject({
      subject,
      payload: { id: 'f1' },
      error: 'validation_failed: pipeline 42 has no step copr_build',
      deliveries: 1,
      stream,
      consumer: durable,
      streamSeq: seq,
      msgId,
      replayedAt: null,
    });
    await settled(durable, seq);
    expect(calls).toHaveLength(1); // terminated, never redelivered
    await settled(bystander, seq);
    expect(other.calls).toHaveLength(1);

    fixed = true;
    const replay = await replayDeadLetter(deadLetters, publisher, letter.id);
    expect(replay.msgId).not.toBe(msgId);
    await settled(durable, replay.seq);
    expect(calls.map((c) => [c.data.id, c.msgId])).toEqual([
      ['f1', msgId],
      ['f1', replay.msgId],
    ]);
    const [after] = await lettersOf(durable);
    expect(after.replayedAt).toBeInstanceOf(Date);
    expect(after.replayMsgId).toBe(replay.msgId);

    // The other deployment had handled it: it acknowledges the replay without its handler.
    await settled(bystander, replay.seq);
    expect(other.calls).toHaveLength(1);
    await expect(replayDeadLetter(deadLetters, publisher, letter.id)).rejects.toThrow(/already replayed/);
  });

  it('dead-letters a message whose retryable failures reach the maximum deliveries', async () => {
    const subject = `${prefix}.max.one`;
    const durable = uniqueName('max');
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.max.>`,
      patterns: [subject],
      maxDeliveries: 3,
      backoffMs: [10],
      behaviour: () => {
        throw new ExternalServiceError('koji', 'hub unreachable');
      },
    });
    const { seq } = await publisher.publish(subject, { id: 'x1' }, { msgId: uniqueName('m') });

    const [letter] = await waitFor(async () => ((await lettersOf(durable)).length ? lettersOf(durable) : undefined), {
      what: 'a dead letter',
    });
    expect(letter.deliveries).toBe(3);
    expect(letter.error).toBe('failed on all 3 deliveries; last error: external_service_failed: koji: hub unreachable');
    await settled(durable, seq);
    expect(calls.map((c) => c.delivery)).toEqual([1, 2, 3]);
  });

  it('dead-letters a message whose deliveries ran out without an outcome (ack wait passed), without running its handler', async () => {
    const subject = `${prefix}.lost.one`;
    const durable = uniqueName('lost');
    await ensureDurableConsumer(jsm, { stream, durable, filterSubjects: [`${prefix}.lost.>`], ackWaitMs: 1000 });
    const { seq } = await publisher.publish(subject, { id: 'l1' }, { msgId: uniqueName('m') });
    // A replica that takes the message twice and dies each time before answering.
    const crashing = await jetstream(nc).consumers.get(stream, durable);
    for (const delivery of [1, 2]) {
      const msg = await waitFor(() => crashing.next({ expires: 5000 }), { what: `delivery ${delivery}` });
      expect(msg.info.deliveryCount).toBe(delivery);
    }
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.lost.>`,
      patterns: [subject],
      maxDeliveries: 2,
      ackWaitMs: 1000,
    });

    await settled(durable, seq);
    const letters = await lettersOf(durable);
    expect(letters.map((l) => [l.deliveries, l.error])).toEqual([
      [3, 'no outcome after 2 deliveries (a handler outran the ack wait, or its process stopped)'],
    ]);
    expect(calls).toEqual([]);
  });

  it('dead-letters an invalid payload without running the handler or retrying', async () => {
    const durable = uniqueName('invalid');
    const subject = `${prefix}.invalid.one`;
    const { calls } = await startWorker({
      durable,
      filter: `${prefix}.invalid.>`,
      patterns: [subject],
      validate: (_subject, data) =>
        typeof (data as { n?: unknown }).n === 'number' ? undefined : 'n: expected a number',
    });
    await publisher.publish(subject, { n: 'seven' }, { msgId: uniqueName('m') });
    const raw = await jetstream(nc).publish(subject, 'not json {', { msgID: uniqueName('m') });
    const good = await publisher.publish(subject, { n: 7 }, { msgId: uniqueName('m') });

    await settled(durable, good.seq);
    const letters = await lettersOf(durable);
    expect(letters.map((l) => [l.error, l.deliveries, l.payload])).toEqual([
      ['invalid payload: n: expected a number', 1, { n: 'seven' }],
      ['invalid payload: not JSON', 1, 'not json {'],
    ]);
    expect(letters[1].streamSeq).toBe(raw.seq);
    expect(calls.map((c) => c.data)).toEqual([{ n: 7 }]);
  });

  it('dead-letters a subject no handler declares', async () => {
    const durable = uniqueName('nohandler');
    await startWorker({ durable, filter: `${prefix}.nohandler.>`, patterns: [`${prefix}.nohandler.known`] });
    const { seq } = await publisher.publish(`${prefix}.nohandler.unknown`, { id: 'u' }, { msgId: uniqueName('m') });
    await settled(durable, seq);
    const letters = await lettersOf(durable);
    expect(letters.map((l) => l.error)).toEqual([`no handler for subject ${prefix}.nohandler.unknown`]);
  });

  it('routes by exact subject first, then the most specific wildcard', async () => {
    const durable = uniqueName('wild');
    const base = `${prefix}.wild`;
    const { calls } = await startWorker({
      durable,
      filter: `${base}.>`,
      patterns: [`${base}.a`, `${base}.*`, `${base}.>`],
    });
    await publisher.publish(`${base}.a`, { id: 'exact' }, { msgId: uniqueName('m') });
    await publisher.publish(`${base}.b`, { id: 'star' }, { msgId: uniqueName('m') });
    const last = await publisher.publish(`${base}.b.c`, { id: 'tail' }, { msgId: uniqueName('m') });
    await settled(durable, last.seq);
    expect(calls.map((c) => [c.subject, c.pattern]).sort()).toEqual([
      [`${base}.a`, `${base}.a`],
      [`${base}.b`, `${base}.*`],
      [`${base}.b.c`, `${base}.>`],
    ]);
    expect(await lettersOf(durable)).toEqual([]);
  });

  it('gives every message to each of two durables', async () => {
    const subject = `${prefix}.fanout.one`;
    const [a, b] = [uniqueName('deployA'), uniqueName('deployB')];
    const first = await startWorker({ durable: a, filter: `${prefix}.fanout.>`, patterns: [subject] });
    const second = await startWorker({ durable: b, filter: `${prefix}.fanout.>`, patterns: [subject] });
    let last = 0;
    for (let i = 0; i < 5; i++)
      last = (await publisher.publish(subject, { id: `e${i}` }, { msgId: uniqueName('m') })).seq;
    await settled(a, last);
    await settled(b, last);
    const ids = ['e0', 'e1', 'e2', 'e3', 'e4'];
    expect(first.calls.map((c) => c.data.id).sort()).toEqual(ids);
    expect(second.calls.map((c) => c.data.id).sort()).toEqual(ids);
  });

  it('shares the messages of one durable between its replicas, each message handled once', async () => {
    const subject = `${prefix}.replicas.one`;
    const durable = uniqueName('replicated');
    const [one, two] = await Promise.all([
      startWorker({ durable, filter: `${prefix}.replicas.>`, patterns: [subject] }),
      startWorker({ durable, filter: `${prefix}.replicas.>`, patterns: [subject] }),
    ]);
    const ids = Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    let last = 0;
    for (const id of ids) last = (await publisher.publish(subject, { id }, { msgId: uniqueName('m') })).seq;
    await settled(durable, last);
    const handled = [...one.calls, ...two.calls].map((c) => c.data.id).sort();
    expect(handled).toEqual(ids);
    expect((await consumer(durable)).num_redelivered).toBe(0);
  });

  it('stores a message published twice with one msgId once, and delivers it once', async () => {
    const subject = `${prefix}.dup.one`;
    const durable = uniqueName('dup');
    const { calls } = await startWorker({ durable, filter: `${prefix}.dup.>`, patterns: [subject] });
    const msgId = uniqueName('delivery');
    const first = await publisher.publish(subject, { id: 'd1' }, { msgId });
    const again = await publisher.publish(subject, { id: 'd1' }, { msgId });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ stream, seq: first.seq, duplicate: true });
    const sentinel = await publisher.publish(subject, { id: 'sentinel' }, { msgId: uniqueName('m') });
    await settled(durable, sentinel.seq);
    expect(calls.map((c) => c.data.id)).toEqual(['d1', 'sentinel']);
  });

  it('a durable without filter subjects is created and receives every subject of the stream', async () => {
    const durable = uniqueName('unfiltered');
    const subjects = [`${prefix}.any.one`, `${prefix}.other.two`];
    const { calls } = await startWorker({ durable, patterns: [`${prefix}.>`] });
    let last = 0;
    for (const subject of subjects) last = (await publisher.publish(subject, {}, { msgId: uniqueName('m') })).seq;
    await settled(durable, last);
    expect((await consumer(durable)).config.filter_subject ?? '').toBe('');
    expect(calls.map((c) => c.subject)).toEqual(expect.arrayContaining(subjects));
  });

  it('creates its durable again when it is deleted under a running worker', async () => {
    const subject = `${prefix}.recreate.one`;
    const durable = uniqueName('recreate');
    const { calls } = await startWorker({ durable, filter: `${prefix}.recreate.>`, patterns: [subject] });
    await jsm.consumers.delete(stream, durable);
    await waitFor(() => consumer(durable).then(() => true), { what: 'the durable to be created again' });
    const { seq } = await publisher.publish(subject, { id: 'after-delete' }, { msgId: uniqueName('m') });
    await settled(durable, seq);
    expect(calls.map((c) => c.data.id)).toEqual(['after-delete']);
  });

  it('on close stops pulling and lets a running handler finish and acknowledge', async () => {
    const subject = `${prefix}.close.one`;
    const durable = uniqueName('close');
    const gate = deferred();
    const { calls, worker } = await startWorker({
      durable,
      filter: `${prefix}.close.>`,
      patterns: [subject],
      behaviour: () => gate.promise,
    });
    const { seq } = await publisher.publish(subject, { id: 'c1' }, { msgId: uniqueName('m') });
    await waitFor(() => calls.length === 1, { what: 'the handler to start' });

    let closed = false;
    const closing = worker.close().then(() => (closed = true));
    workers.splice(workers.indexOf(worker), 1);
    expect(closed).toBe(false);
    gate.resolve();
    await closing;
    const info = await consumer(durable);
    expect(info.ack_floor.stream_seq).toBe(seq);
    expect(info.num_ack_pending).toBe(0);
  });
});
