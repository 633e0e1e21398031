import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { EntityManager, Logger, MikroORM } from '@packflow/core';
import { MSG_ID_HEADER } from './jetstream.publisher.js';

type JetStreamContextArgs = [subject: string, message: JsMsg, logger: Logger, orm: MikroORM | undefined];

/**
 * What a handler gets as its second argument (`@Ctx() ctx: JetStreamContext`): the
 * subject, the raw message, a logger carrying subject, msg id and delivery count, and an
 * ORM context of its own for this message.
 */
export class JetStreamContext extends BaseRpcContext<JetStreamContextArgs> {
  private em?: EntityManager;

  getSubject(): string {
    return this.args[0];
  }

  getMessage(): JsMsg {
    return this.args[1];
  }

  /** pino child logger: subject, msgId, delivery, streamSeq, consumer. */
  getLogger(): Logger {
    return this.args[2];
  }

  /** How many times JetStream has delivered this message (1 on the first delivery). */
  getDeliveryCount(): number {
    return this.args[1].info.deliveryCount;
  }

  getMsgId(): string | undefined {
    return this.args[1].headers?.get(MSG_ID_HEADER) || undefined;
  }

  /** A fork of the ORM's EntityManager for this message only (never the global one). */
  getEntityManager(): EntityManager {
    const orm = this.args[3];
    if (!orm) throw new Error('the JetStream server was started without an ORM');
    return (this.em ??= orm.em.fork());
  }
}
