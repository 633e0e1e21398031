// The batch publish against a real nats-server: stored in order with their msg ids and
// headers, duplicates dropped by the stream, refusals answered per message, and a server
// that never answers ends in a timeout instead of a hang.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNatsServer, testNatsUrl, uniqueName, type TestNatsServer } from '@packflow/testing';
import { ensureStream } from './jetstream.topology.js';
import { JetStreamPublisher, MSG_ID_HEADER } from './jetstream.publisher.js';

const prefix = uniqueName('pfpub');
const stream = uniqueName('PFPUB');

let nc: NatsConnection;
let jsm: JetStreamManager;
let publisher: JetStreamPublisher;

beforeAll(async () => {
  nc = await connect({ servers: testNatsUrl() });
  jsm = await jetstreamManager(nc);
  publisher = new JetStreamPublisher(nc);
  await ensureStream(jsm, { name: stream, subjects: [`${prefix}.>`] });
});

afterAll(async () => {
  publisher.close();
  await jsm.streams.delete(stream).catch(() => undefined);
  await nc.drain();
});

/** The stream's messages from sequence `from` on: subject, msg id, a header and the text. */
async function storedFrom(from: number, count: number) {
  const out = [];
  for (let seq = from; seq < from + count; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m) throw new Error(`no message ${seq} in ${stream}`);
    out.push({
      subject: m.subject,
      msgId: m.header.get(MSG_ID_HEADER),
      trace: m.header.get('x-trace'),
      text: m.string(),
    });
  }
  return out;
}

describe('JetStreamPublisher.publishJsonBatch', () => {
  it('stores each message once, in the order given, with its msg id and headers; a repeated msg id is dropped', async () => {
    const first = (await jsm.streams.info(stream)).state.last_seq + 1;
    const ids = Array.from({ length: 50 }, (_, i) => `${prefix}-m${i}`);
    const results = await publisher.publishJsonBatch(
      ids.map((msgId, i) => ({
        subject: `${prefix}.n${i % 3}`,
        json: JSON.stringify({ i }),
        msgId,
        headers: { 'x-trace': `t${i}`, 'Nats-Msg-Id': 'ignored: the msg id is the option' },
      })),
    );
    expect(results).toEqual(ids.map(() => undefined));
    const stored = await storedFrom(first, ids.length);
    expect(stored).toEqual(
      ids.map((msgId, i) => ({ subject: `${prefix}.n${i % 3}`, msgId, trace: `t${i}`, text: JSON.stringify({ i }) })),
    );

    // The same msg ids again: acknowledged (the stream has them), stored no second time.
    const again = await publisher.publishJsonBatch(
      ids.slice(0, 5).map((msgId) => ({ subject: `${prefix}.n0`, json: '{"again":true}', msgId })),
    );
    expect(again).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect((await jsm.streams.info(stream)).state.last_seq).toBe(first + ids.length - 1);
  });

  it('answers why for each message no stream takes, and undefined for the others', async () => {
    const results = await publisher.publishJsonBatch([
      { subject: `${prefix}.ok`, json: '{}', msgId: `${prefix}-ok` },
      { subject: `${uniqueName('nostream')}.x`, json: '{}', msgId: `${prefix}-lost` },
    ]);
    expect(results[0]).toBeUndefined();
    expect(results[1]).toMatch(/^publish to nostream.*\.x failed: no stream takes this subject/);
    expect(await publisher.publishJsonBatch([])).toEqual([]);
  });

  it('fails a batch no server answers within the timeout, naming the wait', async () => {
    const server: TestNatsServer = await startNatsServer();
    const conn = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    const own = new JetStreamPublisher(conn);
    try {
      await ensureStream(await jetstreamManager(conn), { name: stream, subjects: [`${prefix}.>`] });
      await server.stop();
      const results = await own.publishJsonBatch(
        [1, 2].map((i) => ({ subject: `${prefix}.down`, json: '{}', msgId: `${prefix}-down-${i}` })),
        300,
      );
      expect(results).toEqual([
        expect.stringMatching(/failed: no acknowledgement within 300 ms$/),
        expect.stringMatching(/failed: no acknowledgement within 300 ms$/),
      ]);
    } finally {
      own.close();
      await conn.close();
      await server.dispose();
    }
  });
});
