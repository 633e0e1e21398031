// Every service started alone serves GET /metrics (the HTTP services on their port, the
// workers on WORKER_METRICS_PORT), and Ctrl-C and SIGTERM stop it with exit 0 (issue 17: `pnpm start` exited 130 and
// pnpm printed "Command failed"). Each service runs through its pnpm `start` script, the
// command the chart gives a deployment, in a process group of its own; the signal goes to
// the whole group, as a terminal's Ctrl-C does, so the service receives it twice (the
// terminal's and pnpm's forwarded copy) and the shell pnpm runs the script in receives it too.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createTestDatabase,
  spawnServiceMain,
  startNatsServer,
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

const SERVICES = [
  ['scheduler', { SCHEDULER_PORT: '0' }],
  ['web', { WEB_PORT: '0' }],
  ['upstream-worker', {}],
  ['stream-worker', {}],
  ['results-worker', {}],
] as const;

describe('service signals', () => {
  it.each(SERVICES.flatMap(([name, env]) => [[name, 'SIGINT', env] as const, [name, 'SIGTERM', env] as const]))(
    '%s serves /metrics and stops with exit 0 on %s sent to its pnpm process group',
    async (name, signal, env) => {
      const child = spawnServiceMain(
        `services/${name}/src/main.ts`,
        { DATABASE_URL: db.url, NATS_URL: nats.url, ...env },
        { through: 'pnpm' },
      );
      const url = await child.waitForOutput(
        (out) => new RegExp(`"url":"(http://[^"]+)","msg":"${name} started"`).exec(out)?.[1],
        `${name} started`,
        90_000,
      );
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('packflow_process_resident_memory_bytes');
      expect(await child.signal(signal)).toEqual({ code: 0, signal: null });
      expect(child.output()).toContain('"msg":"stopped"');
    },
    120_000,
  );
});
