// `packflow dead-letters …`: registration only (commander and nothing heavy), so `--help`
// stays fast; the work is in dead-letters.actions.ts, imported when a command runs.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';

export function registerDeadLetters(program: Command): void {
  const deadLetters = program
    .command('dead-letters')
    .description(
      'list and replay JetStream messages the workers gave up on (DATABASE_URL, else the embedded database of `pnpm start`; NATS_URL)',
    )
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
      action(async (opts: { pending?: boolean; limit: string; json?: boolean }) =>
        (await import('./dead-letters.actions.js')).listDeadLetters(opts),
      ),
    );

  deadLetters
    .command('replay')
    .description('publish a dead letter again to its subject with a new Nats-Msg-Id, and mark it replayed')
    .argument('<id>', 'the dead letter to replay (its id in `dead-letters list`)')
    .option('--force', 'replay it even if it was replayed before')
    .option('--json', 'print {"id","subject","consumer","msg_id","stream_seq"}')
    .action(
      action(async (id: string, opts: { force?: boolean; json?: boolean }) =>
        (await import('./dead-letters.actions.js')).replayDeadLetterCommand(id, opts),
      ),
    );
}
