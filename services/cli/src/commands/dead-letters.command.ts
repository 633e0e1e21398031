import type { Command } from 'commander';
import {
  EnvReader,
  PackflowError,
  readCommonConfig,
  redactUrl,
  ValidationError,
  type DeadLetter,
  type MikroORM,
} from '@packflow/core';
import { connectNatsOnce, DeadLetterRepository, JetStreamPublisher, replayDeadLetter } from '@packflow/messaging';
import { action } from '../cli.errors.js';

function connections(): { databaseUrl: string; natsUrl: string } {
  const reader = new EnvReader(process.env);
  return reader.done(readCommonConfig(reader));
}

async function withOrm<T>(fn: (orm: MikroORM) => Promise<T>): Promise<T> {
  const { databaseUrl } = connections();
  let orm: MikroORM;
  try {
    // Loaded here: the ecosystem registry pulls in every ecosystem, which no other command needs.
    const { createOrm } = await import('@packflow/ecosystems');
    orm = await createOrm(databaseUrl, { pool: { min: 0, max: 2 } });
  } catch (error) {
    throw new PackflowError(
      'database_unreachable',
      `cannot connect to PostgreSQL at ${redactUrl(databaseUrl)}: ${(error as Error).message}`,
      {
        retryable: true,
        cause: error,
      },
    );
  }
  try {
    return await fn(orm);
  } finally {
    await orm.close();
  }
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

export function registerDeadLetters(program: Command): void {
  const deadLetters = program
    .command('dead-letters')
    .description('list and replay JetStream messages the workers gave up on (DATABASE_URL, NATS_URL)')
    .addHelpText(
      'after',
      `
A worker moves a message to shared.dead_letters and terminates it in JetStream when its
handler fails with an error that is not retryable, fails on every allowed delivery
(WORKER_MAX_DELIVERIES), its payload is invalid, or no handler exists for its subject.
Replay publishes the payload to its subject again, for the worker deployment (durable
consumer) that gave up on it; other deployments acknowledge it without handling it.`,
    );

  deadLetters
    .command('list')
    .description('dead letters, newest first: id, time, consumer, subject, deliveries, replayed or not, and the error')
    .option('--pending', 'only those not replayed yet')
    .option('--limit <n>', 'at most n of them', '50')
    .option(
      '--json',
      'print {"dead_letters":[{"id","subject","consumer","stream","stream_seq","msg_id","deliveries","error","created_at","replayed_at","replay_msg_id","payload","headers"}]}',
    )
    .action(
      action(async (opts: { pending?: boolean; limit: string; json?: boolean }) => {
        const limit = positiveInt(opts.limit, '--limit');
        const letters = await withOrm((orm) =>
          new DeadLetterRepository(orm).list({ limit, pendingOnly: opts.pending }),
        );
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ dead_letters: letters.map(toJson) })}\n`);
          return;
        }
        if (letters.length === 0) {
          process.stdout.write(opts.pending ? 'no dead letters waiting for a replay\n' : 'no dead letters\n');
          return;
        }
        for (const l of letters) process.stdout.write(line(l));
      }),
    );

  deadLetters
    .command('replay')
    .description('publish a dead letter again to its subject with a new Nats-Msg-Id, and mark it replayed')
    .argument('<id>', 'the dead letter to replay (its id in `dead-letters list`)')
    .option('--force', 'replay it even if it was replayed before')
    .option('--json', 'print {"id","subject","consumer","msg_id","stream_seq"}')
    .action(
      action(async (id: string, opts: { force?: boolean; json?: boolean }) => {
        const { natsUrl } = connections();
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
      }),
    );
}
