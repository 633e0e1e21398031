// Each worker started alone, as the chart runs it, answers its probes on WORKER_METRICS_PORT
// (issues 15 and 17): while NATS is down `/healthz` (liveness) stays 200 and says so, and
// `/readyz` answers 503 naming NATS; once NATS is back both are 200 again. The NATS server
// is this test's own, stopped and started by it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  spawnServiceMain,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';

let db: TestDatabase;
let nats: TestNatsServer;
beforeAll(async () => {
  [db, nats] = await Promise.all([createTestDatabase(), startNatsServer()]);
});
afterAll(async () => {
  await nats?.dispose();
  await db?.drop();
});

const probe = async (url: string, path: '/healthz' | '/readyz') => {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('worker probes', () => {
  it.each(['upstream-worker', 'stream-worker', 'results-worker'])(
    '%s: /healthz 200 and /readyz 503 naming nats while NATS is down, both 200 once it is back',
    async (name) => {
      const child = spawnServiceMain(`services/${name}/src/main.ts`, { DATABASE_URL: db.url, NATS_URL: nats.url });
      try {
        const url = await child.waitForOutput(
          (out) => new RegExp(`"url":"(http://[^"]+)","msg":"${name} started"`).exec(out)?.[1],
          `${name} started`,
          90_000,
        );
        const ok = { status: 'ok', database: 'ok', nats: 'ok' };
        expect(await probe(url, '/healthz')).toEqual({ status: 200, body: ok });
        expect(await probe(url, '/readyz')).toEqual({ status: 200, body: ok });

        await nats.stop();
        const down = await waitFor(
          async () => {
            const answer = await probe(url, '/readyz');
            return answer.status === 503 ? answer : undefined;
          },
          { what: `503 from ${name} /readyz` },
        );
        expect(down.body).toEqual({
          status: 'unavailable',
          database: 'ok',
          nats: expect.stringMatching(/^unreachable: /),
        });
        const live = await probe(url, '/healthz');
        expect(live).toEqual({
          status: 200,
          body: { status: 'ok', database: 'ok', nats: expect.stringMatching(/^unreachable: /) },
        });
        expect(child.exited()).toBeUndefined();

        await nats.start();
        await waitFor(async () => (await probe(url, '/readyz')).status === 200, { what: `200 from ${name} /readyz` });
        expect(await probe(url, '/healthz')).toEqual({ status: 200, body: ok });
      } finally {
        if (!child.exited()) await child.terminate();
      }
    },
    180_000,
  );
});
