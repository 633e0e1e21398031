import { DeadLetter, NotFoundError, type MikroORM } from '@packflow/core';

/** A message given up on, as the transport reports it. */
export interface NewDeadLetter {
  subject: string;
  payload: unknown;
  headers: Record<string, string[]> | null;
  error: string;
  deliveries: number;
  stream: string;
  consumer: string;
  streamSeq: number;
  msgId?: string;
}

/** Where the transport puts dead letters (the table, or a test's list). */
export interface DeadLetterSink {
  record(letter: NewDeadLetter): Promise<void>;
}

/** `shared.dead_letters`: written by the transport, listed and replayed by operators. */
export class DeadLetterRepository implements DeadLetterSink {
  constructor(private readonly orm: MikroORM) {}

  async record(letter: NewDeadLetter): Promise<void> {
    await this.orm.em.fork().insert(DeadLetter, {
      subject: letter.subject,
      payload: letter.payload,
      headers: letter.headers,
      error: letter.error,
      deliveries: letter.deliveries,
      stream: letter.stream,
      consumer: letter.consumer,
      streamSeq: letter.streamSeq,
      msgId: letter.msgId ?? null,
      createdAt: new Date(),
    });
  }

  /** Newest first. */
  async list(options: { limit?: number; pendingOnly?: boolean } = {}): Promise<DeadLetter[]> {
    return this.orm.em.fork().find(DeadLetter, options.pendingOnly ? { replayedAt: null } : {}, {
      orderBy: { id: 'desc' },
      limit: options.limit ?? 100,
    });
  }

  async get(id: string): Promise<DeadLetter> {
    const letter = await this.orm.em.fork().findOne(DeadLetter, { id });
    if (!letter) throw new NotFoundError('dead letter', id);
    return letter;
  }

  async markReplayed(id: string, replayMsgId: string): Promise<void> {
    await this.orm.em.fork().nativeUpdate(DeadLetter, { id }, { replayedAt: new Date(), replayMsgId });
  }
}
