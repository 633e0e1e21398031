import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { DeadLetterRepository, ensureStream, packflowEventsStream, REPLAY_CONSUMER_HEADER } from '@packflow/messaging';
import { createTestDatabase, startNatsServer, type TestDatabase, type TestNatsServer } from '@packflow/testing';
import { runCli } from '../testing/run-cli.js';

let db: TestDatabase;
let nats: TestNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
let env: Record<string, string>;
let repository: DeadLetterRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  await ensureStream(jsm, packflowEventsStream());
  env = { DATABASE_URL: db.url, NATS_URL: nats.url };
  repository = new DeadLetterRepository(await db.orm());
  for (const [n, error] of [
    [1, 'validation_failed: pipeline 42 has no step copr_build'],
    [2, 'failed on all 5 deliveries; last error: external_service_failed: copr: answered 503'],
  ] as const) {
    await repository.record({
      subject: 'upstream.pull_request.opened',
      payload: { eventId: String(n), deliveryId: `gh-${n}` },
      headers: { 'Nats-Msg-Id': [`gh-${n}`], 'X-Trace': [`t${n}`] },
      error,
      deliveries: n === 1 ? 1 : 5,
      stream: 'PACKFLOW_EVENTS',
      consumer: 'upstream-worker',
      streamSeq: 10 + n,
      msgId: `gh-${n}`,
    });
  }
});
afterAll(async () => {
  await nc.drain();
  await nats.dispose();
  await db.drop();
});

describe('pnpm packflow dead-letters', () => {
  it('lists dead letters newest first, as text and as JSON', async () => {
    const text = await runCli(['dead-letters', 'list'], env);
    expect(text.code).toBe(0);
    const lines = text.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(
      /^#2 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}upstream-worker {2}upstream\.pull_request\.opened {2}deliveries=5 {2}pending$/,
    );
    expect(lines[1]).toBe('    failed on all 5 deliveries; last error: external_service_failed: copr: answered 503');
    expect(lines[2]).toMatch(/^#1 .* deliveries=1 {2}pending$/);

    const json = await runCli(['dead-letters', 'list', '--json', '--limit', '1'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.dead_letters).toEqual([
      {
        id: '2',
        subject: 'upstream.pull_request.opened',
        consumer: 'upstream-worker',
        stream: 'PACKFLOW_EVENTS',
        stream_seq: 12,
        msg_id: 'gh-2',
        deliveries: 5,
        error: 'failed on all 5 deliveries; last error: external_service_failed: copr: answered 503',
        created_at: expect.stringMatching(/Z$/),
        replayed_at: null,
        replay_msg_id: null,
        payload: { eventId: '2', deliveryId: 'gh-2' },
        headers: { 'Nats-Msg-Id': ['gh-2'], 'X-Trace': ['t2'] },
      },
    ]);
  });

  it('replays one to its subject with a new msg id for its consumer, marks it, and refuses a second replay without --force', async () => {
    const replay = await runCli(['dead-letters', 'replay', '1', '--json'], env);
    expect(replay.stderr).toBe('');
    expect(replay.code).toBe(0);
    const out = JSON.parse(replay.stdout);
    expect(out).toMatchObject({ id: '1', subject: 'upstream.pull_request.opened', consumer: 'upstream-worker' });
    expect(out.msg_id).toMatch(/^dead-letter-1-replay-/);

    const stored = await jsm.streams.getMessage('PACKFLOW_EVENTS', { seq: out.stream_seq });
    expect(stored!.subject).toBe('upstream.pull_request.opened');
    expect(stored!.json()).toEqual({ eventId: '1', deliveryId: 'gh-1' });
    expect(stored!.header.get('Nats-Msg-Id')).toBe(out.msg_id);
    expect(stored!.header.get(REPLAY_CONSUMER_HEADER)).toBe('upstream-worker');
    expect(stored!.header.get('X-Trace')).toBe('t1');

    const marked = await repository.get('1');
    expect(marked.replayedAt).toBeInstanceOf(Date);
    expect(marked.replayMsgId).toBe(out.msg_id);
    const pending = JSON.parse((await runCli(['dead-letters', 'list', '--json', '--pending'], env)).stdout);
    expect(pending.dead_letters.map((l: { id: string }) => l.id)).toEqual(['2']);

    const again = await runCli(['dead-letters', 'replay', '1'], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^packflow: dead letter 1 was already replayed at \S+; pass --force to replay it again\n$/,
    );
    const forced = await runCli(['dead-letters', 'replay', '1', '--force'], env);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(
      /^replayed dead letter 1 to upstream\.pull_request\.opened for upstream-worker \(msg id dead-letter-1-replay-\S+, stream sequence \d+\)\n$/,
    );
  });

  it('gives one clear line and exit 2 for an unknown id and an unreachable NATS, and leaves the letter pending', async () => {
    const unknown = await runCli(['dead-letters', 'replay', '999'], env);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'packflow: dead letter 999 does not exist\n']);
    const down = await runCli(['dead-letters', 'replay', '2'], { ...env, NATS_URL: 'nats://127.0.0.1:1' });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^packflow: NATS: cannot connect to nats:\/\/127\.0\.0\.1:1/);
    expect((await repository.get('2')).replayedAt).toBeNull();
  });
});
