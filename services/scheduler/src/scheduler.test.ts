import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  spawnServiceMain,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startScheduler } from './index.js';

let db: TestDatabase;
let nats: TestNatsServer;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
});
afterAll(async () => {
  await nats.dispose();
  await db.drop();
});

const probe = async (url: string, path: '/healthz' | '/readyz') => {
  const res = await fetch(`${url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
};

describe('scheduler service', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startScheduler({
      env: { DATABASE_URL: db.url, NATS_URL: nats.url, SCHEDULER_PORT: '0' },
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
  });
  afterAll(() => service.close());

  it('serves /healthz and /readyz with 200 when PostgreSQL and NATS answer', async () => {
    const body = { status: 'ok', database: 'ok', nats: 'ok' };
    expect(await probe(service.url!, '/healthz')).toEqual({ status: 200, body });
    expect(await probe(service.url!, '/readyz')).toEqual({ status: 200, body });
  });

  it('while NATS is down: /readyz answers 503 naming it, /healthz 200 saying so; both 200 once it is back', async () => {
    await nats.stop();
    const down = await waitFor(
      async () => {
        const h = await probe(service.url!, '/readyz');
        return h.status === 503 ? h : undefined;
      },
      { what: '503 from /readyz' },
    );
    expect(down.body.status).toBe('unavailable');
    expect(down.body.database).toBe('ok');
    expect(down.body.nats).toMatch(/^unreachable: /);
    const live = await probe(service.url!, '/healthz');
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    expect(live.body.nats).toMatch(/^unreachable: /);
    await nats.start();
    await waitFor(async () => (await probe(service.url!, '/readyz')).status === 200, { what: '200 from /readyz' });
    expect(await probe(service.url!, '/healthz')).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok', nats: 'ok' },
    });
  });
});

describe('scheduler process', () => {
  it('starts alone with its own main, and exits 0 on SIGTERM', async () => {
    const child = spawnServiceMain('services/scheduler/src/main.ts', {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SCHEDULER_PORT: '0',
    });
    const url = await child.waitForOutput(
      (out) => /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1],
      'the scheduler URL in its log',
    );
    expect((await probe(url, '/readyz')).status).toBe(200);
    expect(await child.terminate()).toEqual({ code: 0, signal: null });
    expect(child.output()).toContain('"msg":"stopped"');
  });
});
