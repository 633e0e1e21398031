// What `packflow dead-letters …` does, loaded only when such a command runs
// (dead-letters.command.ts registers them).
import { EnvReader, readCommonConfig, ValidationError, type DeadLetter, type MikroORM } from '@packflow/core';
import { createOrm } from '@packflow/ecosystems';
import { connectNatsOnce, DeadLetterRepository, JetStreamPublisher, replayDeadLetter } from '@packflow/messaging';
import { unreachable, withCliDatabase } from '../local/cli-database.js';

async function withOrm<T>(fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  return withCliDatabase(async (db) => {
    let orm: MikroORM;
    try {
      orm = await createOrm(db.url, { pool: { min: 0, max: 2 } });
    } catch (error) {
      throw unreachable(db, error);
    }
    try {
      return await fn(orm);
    } finally {
      await orm.close();
    }
  });
}

/** JSON view of a dead letter (ids as strings, times as ISO 8601). */
function toJson(l: DeadLetter) {
  return {
    id: String(l.id),
    subject: l.subject,
    consumer: l.consumer,
    stream: l.stream,
    stream_seq: Number(l.streamSeq),
    msg_id: l.msgId ?? null,
    deliveries: l.deliveries,
    error: l.error,
    created_at: l.createdAt.toISOString(),
    replayed_at: l.replayedAt?.toISOString() ?? null,
    replay_msg_id: l.replayMsgId ?? null,
    payload: l.payload,
    headers: l.headers ?? null,
  };
}

function line(l: DeadLetter): string {
  const when = l.createdAt
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  const state = l.replayedAt ? `replayed ${l.replayedAt.toISOString()}` : 'pending';
  const error = l.error.length > 200 ? `${l.error.slice(0, 197)}...` : l.error;
  return `#${l.id}  ${when}  ${l.consumer}  ${l.subject}  deliveries=${l.deliveries}  ${state}\n    ${error}\n`;
}

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ValidationError(`${name}: expected a whole number from 1 (got ${JSON.stringify(value)})`);
  return n;
}

/** `dead-letters list`. */
export async function listDeadLetters(opts: { pending?: boolean; limit: string; json?: boolean }): Promise<void> {
  const limit = positiveInt(opts.limit, '--limit');
  const letters = await withOrm((orm) => new DeadLetterRepository(orm).list({ limit, pendingOnly: opts.pending }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ dead_letters: letters.map(toJson) })}\n`);
    return;
  }
  if (letters.length === 0) {
    process.stdout.write(opts.pending ? 'no dead letters waiting for a replay\n' : 'no dead letters\n');
    return;
  }
  for (const l of letters) process.stdout.write(line(l));
}

/** `dead-letters replay`. */
export async function replayDeadLetterCommand(id: string, opts: { force?: boolean; json?: boolean }): Promise<void> {
  const reader = new EnvReader(process.env);
  const { natsUrl } = reader.done(readCommonConfig(reader));
  const result = await withOrm(async (orm) => {
    const nats = await connectNatsOnce(natsUrl, 'packflow-cli');
    try {
      return await replayDeadLetter(new DeadLetterRepository(orm), new JetStreamPublisher(nats), id, {
        force: opts.force,
      });
    } finally {
      await nats.close();
    }
  });
  const { letter, msgId, seq } = result;
  if (opts.json) {
    const out = {
      id: String(letter.id),
      subject: letter.subject,
      consumer: letter.consumer,
      msg_id: msgId,
      stream_seq: seq,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  process.stdout.write(
    `replayed dead letter ${letter.id} to ${letter.subject} for ${letter.consumer} (msg id ${msgId}, stream sequence ${seq})\n`,
  );
}
