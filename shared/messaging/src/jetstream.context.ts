// What a handler of the JetStream consumer gets beside the payload. A plain class, so
// handlers of any framework take it: NestJS handlers declare it as `@Ctx()`.
import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager, Logger, MikroORM } from '@packflow/core';
import { MSG_ID_HEADER } from './jetstream.publisher.js';

/**
 * One message's context: the subject, the raw message, a logger carrying subject, msg id
 * and delivery count, and an ORM context of its own for this message.
 */
export class JetStreamContext {
  private em?: EntityManager;

  constructor(
    private readonly message: JsMsg,
    private readonly logger: Logger,
    private readonly orm?: MikroORM,
  ) {}

  getSubject(): string {
    return this.message.subject;
  }

  getMessage(): JsMsg {
    return this.message;
  }

  /** pino child logger: subject, msgId, delivery, streamSeq, consumer. */
  getLogger(): Logger {
    return this.logger;
  }

  /** How many times JetStream has delivered this message (1 on the first delivery). */
  getDeliveryCount(): number {
    return this.message.info.deliveryCount;
  }

  getMsgId(): string | undefined {
    return this.message.headers?.get(MSG_ID_HEADER) || undefined;
  }

  /** A fork of the ORM's EntityManager for this message only (never the global one). */
  getEntityManager(): EntityManager {
    if (!this.orm) throw new Error('the JetStream consumer was started without an ORM');
    return (this.em ??= this.orm.em.fork());
  }
}
