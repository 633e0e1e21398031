// The NestJS transport against a real NATS server and PostgreSQL: decorated handlers are
// routed by subject, get their payload and context, and their errors reach the consumer
// with the flag that decides between retry and dead letter (what the consumer then does
// is tested in @packflow/messaging); the client proxy publishes with a msg id.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  createLogger,
  DeadLetter,
  ExternalServiceError,
  ValidationError,
  type EntityManager,
  type MikroORM,
} from '@packflow/core';
import { DeadLetterRepository, type JetStreamContext, type Published } from '@packflow/messaging';
import { createTestDatabase, durableSettled, testNatsUrl, uniqueName, type TestDatabase } from '@packflow/testing';
import { contentMsgId, JetStreamClientProxy, JetStreamRecord } from './jetstream.client.js';
import { createJetStreamMicroservice } from './jetstream.microservice.js';
import { JetStreamServer } from './jetstream.server.js';

const logger = createLogger({ name: 'nest-jetstream-test', level: 'silent' });
const prefix = uniqueName('pfnest');
const stream = uniqueName('PFNEST');

interface Call {
  handler: string;
  subject: string;
  data: { id?: string };
  delivery: number;
  msgId?: string;
  em: EntityManager;
}
const calls: Call[] = [];
const record = (handler: string, data: Call['data'], ctx: JetStreamContext) =>
  calls.push({
    handler,
    subject: ctx.getSubject(),
    data,
    delivery: ctx.getDeliveryCount(),
    msgId: ctx.getMsgId(),
    em: ctx.getEntityManager(),
  });

@Controller()
class Handlers {
  @EventPattern<string>(`${prefix}.exact.one`)
  exact(@Payload() data: Call['data'], @Ctx() ctx: JetStreamContext): void {
    record('exact', data, ctx);
  }

  @EventPattern<string>(`${prefix}.exact.*`)
  star(@Payload() data: Call['data'], @Ctx() ctx: JetStreamContext): void {
    record('star', data, ctx);
  }

  @EventPattern<string>(`${prefix}.flaky`)
  async flaky(@Payload() data: Call['data'], @Ctx() ctx: JetStreamContext): Promise<void> {
    record('flaky', data, ctx);
    if (ctx.getDeliveryCount() < 2) throw new ExternalServiceError('copr', 'answered 503', { status: 503 });
  }

  @EventPattern<string>(`${prefix}.broken`)
  async broken(@Payload() data: Call['data'], @Ctx() ctx: JetStreamContext): Promise<void> {
    record('broken', data, ctx);
    throw new ValidationError('pipeline 42 has no step copr_build');
  }

  @EventPattern<string>(`${prefix}.observable`)
  observable(@Payload() data: Call['data'], @Ctx() ctx: JetStreamContext): Observable<never> {
    record('observable', data, ctx);
    return throwError(() => new ValidationError('the observable failed'));
  }
}

@Module({ controllers: [Handlers] })
class WorkerModule {}

let db: TestDatabase;
let orm: MikroORM;
let nc: NatsConnection;
let jsm: JetStreamManager;
let client: JetStreamClientProxy;
let app: INestMicroservice;
const durable = uniqueName('nest');

beforeAll(async () => {
  [db, nc] = await Promise.all([createTestDatabase(), connect({ servers: testNatsUrl() })]);
  [orm, jsm] = await Promise.all([db.orm(), jetstreamManager(nc)]);
  client = new JetStreamClientProxy({ nats: nc });
  app = await createJetStreamMicroservice(WorkerModule, {
    logger: false,
    inject: [],
    server: () =>
      new JetStreamServer({
        nats: nc,
        streams: [{ name: stream, subjects: [`${prefix}.>`] }],
        stream,
        durable,
        backoffMs: [20],
        deadLetters: new DeadLetterRepository(orm),
        orm,
        logger,
      }),
  });
});

afterEach(() => {
  calls.splice(0);
});

afterAll(async () => {
  await app?.close();
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.drain();
  await db?.drop();
});

const settled = (seq: number) => durableSettled(jsm, stream, durable, seq);
/** Publishes through the Nest client proxy, as a Nest service would. */
const emit = (subject: string, data: Call['data'], msgId: string = uniqueName('m')) =>
  lastValueFrom(client.emit<Published>(subject, new JetStreamRecord(data, { msgId })));

const letters = (subject: string) => orm.em.fork().find(DeadLetter, { consumer: durable, subject });

describe('JetStreamServer (NestJS transport)', () => {
  it('routes to @EventPattern handlers, exact subject first, with payload and a context of their own', async () => {
    await emit(`${prefix}.exact.one`, { id: 'e1' }, 'nest-e1');
    const last = await emit(`${prefix}.exact.two`, { id: 'e2' }, 'nest-e2');
    await settled(last.seq);
    expect(calls.map(({ em: _em, ...call }) => call)).toEqual([
      { handler: 'exact', subject: `${prefix}.exact.one`, data: { id: 'e1' }, delivery: 1, msgId: 'nest-e1' },
      { handler: 'star', subject: `${prefix}.exact.two`, data: { id: 'e2' }, delivery: 1, msgId: 'nest-e2' },
    ]);
    expect(calls[0].em).not.toBe(calls[1].em);
    expect(calls[0].em).not.toBe(orm.em);
  });

  it('hands a retryable error to the consumer, which delivers the message again', async () => {
    const { seq } = await emit(`${prefix}.flaky`, { id: 'f1' });
    await settled(seq);
    expect(calls.map((c) => [c.handler, c.delivery])).toEqual([
      ['flaky', 1],
      ['flaky', 2],
    ]);
    expect(await letters(`${prefix}.flaky`)).toEqual([]);
  });

  it('hands an error that is not retryable to the consumer with its code, thrown or from an observable', async () => {
    await emit(`${prefix}.broken`, { id: 'b1' });
    const { seq } = await emit(`${prefix}.observable`, { id: 'o1' });
    await settled(seq);
    expect(calls.map((c) => [c.handler, c.delivery])).toEqual([
      ['broken', 1],
      ['observable', 1],
    ]);
    expect((await letters(`${prefix}.broken`)).map((l) => l.error)).toEqual([
      'validation_failed: pipeline 42 has no step copr_build',
    ]);
    expect((await letters(`${prefix}.observable`)).map((l) => l.error)).toEqual([
      'validation_failed: the observable failed',
    ]);
  });

  it('the client proxy publishes with a hash of subject and payload as msg id when given none; twice is stored once', async () => {
    const subject = `${prefix}.exact.one`;
    const first = await lastValueFrom(client.emit(subject, { id: 'c1' }));
    const again = await lastValueFrom(client.emit(subject, { id: 'c1' }));
    const explicit = await lastValueFrom(
      client.emit(subject, new JetStreamRecord({ id: 'c2' }, { msgId: 'delivery-c2', headers: { 'X-Trace': 't' } })),
    );
    expect(again).toEqual({ ...first, duplicate: true });
    await settled(explicit.seq);
    expect(calls.map((c) => [c.data.id, c.msgId])).toEqual([
      ['c1', contentMsgId(subject, { id: 'c1' })],
      ['c2', 'delivery-c2'],
    ]);
    await expect(lastValueFrom(client.send(subject, {}))).rejects.toThrow(/events only/);
  });
});
