// Two packflow instances on one NATS server never see each other's messages (issue 17:
// `pnpm start` joined the machine's NATS with the default names and handled about 21,000
// events of another instance and of the benchmarks). Each instance here is a scheduler, a
// web, an upstream worker and a results worker with a database of its own and a
// PACKFLOW_INSTANCE of its own, both on the machine's shared NATS server (where other
// test runs and instances may be publishing at the same time). Webhooks and a KCIDB report
// go to each instance; each worker must receive exactly its own instance's messages.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger } from '@packflow/core';
import { FakeGithub } from '@packflow/forges/testing';
import type { RunningService } from '@packflow/platform';
import { startResultsWorker } from '@packflow/results-worker';
import { startScheduler } from '@packflow/scheduler';
import { startUpstreamWorker } from '@packflow/upstream-worker';
import { startWeb } from '@packflow/web';
import { createTestDatabase, testNatsUrl, uniqueName, waitFor, type TestDatabase } from '@packflow/testing';

const SECRET = 'instances-webhook-secret';
const TOKEN = 'instances-kcidb-token-0123456789';
const logger = createLogger({ name: 'instances-e2e', level: 'silent' });

interface Instance {
  name: string;
  db: TestDatabase;
  github: FakeGithub;
  services: RunningService[];
  web: string;
}

let nc: NatsConnection;
const instances: Instance[] = [];

async function startInstance(name: string): Promise<Instance> {
  const db = await createTestDatabase();
  const env = {
    PACKFLOW_INSTANCE: name,
    DATABASE_URL: db.url,
    NATS_URL: testNatsUrl(),
    SCHEDULER_PORT: '0',
    WEB_PORT: '0',
    GITHUB_WEBHOOK_SECRET: SECRET,
    KCIDB_SUBMITTERS: JSON.stringify({ [TOKEN]: ['myci'] }),
  };
  const services: RunningService[] = [];
  for (const start of [startScheduler, startWeb, startUpstreamWorker, startResultsWorker])
    services.push(await start({ env, logger }));
  const github = await FakeGithub.start({ webhook: { url: `${services[0].url}/webhooks/github`, secret: SECRET } });
  return { name, db, github, services, web: services[1].url! };
}

beforeAll(async () => {
  nc = await connect({ servers: testNatsUrl() });
  for (const prefix of ['one', 'two']) instances.push(await startInstance(uniqueName(prefix)));
}, 120_000);

afterAll(async () => {
  const jsm = await jetstreamManager(nc);
  for (const i of instances) {
    for (const s of i.services.reverse()) await s.close();
    await i.github.close();
    await i.db.drop();
    // The shared server keeps no trace of this test.
    await jsm.streams.delete(`${i.name}_PACKFLOW_EVENTS`).catch(() => undefined);
  }
  await nc.drain();
});

describe('two instances on one NATS server', () => {
  it('each handles exactly its own events and results', async () => {
    const [one, two] = instances;
    // One: two pull requests and a KCIDB report. Two: one push.
    for (const number of [1, 2])
      await one.github.emitPullRequest('acme/widget', { number, headSha: `${number}`.repeat(40) });
    await two.github.emitPush('acme/gadget', { branch: 'main', headSha: 'c'.repeat(40) });
    const submitted = await fetch(`${one.web}/api/kcidb/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        version: { major: 5, minor: 3 },
        checkouts: [{ id: 'myci:instances', origin: 'myci', start_time: new Date().toISOString() }],
      }),
    });
    expect(submitted.status).toBe(202);

    const jsm = await jetstreamManager(nc);
    const expected = { [one.name]: { upstream: 2, results: 1 }, [two.name]: { upstream: 1, results: 0 } };
    for (const i of instances) {
      const stream = `${i.name}_PACKFLOW_EVENTS`;
      for (const [durable, count] of [
        [`${i.name}-upstream-worker`, expected[i.name].upstream],
        [`${i.name}-results-worker`, expected[i.name].results],
      ] as const) {
        // Every message published on the instance's subjects acknowledged by its worker, and no other.
        await waitFor(
          async () => {
            const info = await jsm.consumers.info(stream, durable);
            return (
              info.delivered.consumer_seq === count && info.ack_floor.consumer_seq === count && info.num_pending === 0
            );
          },
          { what: `${durable} to have handled ${count} messages`, timeoutMs: 30_000 },
        );
      }
      // Everything in the instance's stream is on its own subjects.
      const info = await jsm.streams.info(stream, { subjects_filter: '>' });
      expect(info.state.messages).toBe(expected[i.name].upstream + expected[i.name].results);
      for (const subject of Object.keys(info.state.subjects ?? {})) expect(subject.startsWith(`${i.name}.`)).toBe(true);
      // Nothing of the other instance reached this one's handlers (it would be a dead letter:
      // an event id or submission this database does not have).
      const letters = await i.db.pool().query('select subject from shared.dead_letters');
      expect(letters.rows).toEqual([]);
    }
    // The report was loaded by instance one's results worker, from its own database.
    const loaded = await waitFor(
      async () =>
        (await one.db.pool().query(`select 1 from shared.kcidb_submissions where status = 'processed'`)).rows.length,
      { what: 'the report to be loaded' },
    );
    expect(loaded).toBe(1);
    const events = await Promise.all(
      instances.map(
        async (i) => (await i.db.pool().query<{ n: number }>('select count(*)::int as n from shared.events')).rows[0].n,
      ),
    );
    expect(events).toEqual([2, 1]);
  });
});
