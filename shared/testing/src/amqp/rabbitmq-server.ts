// A RabbitMQ node of the test's own (the machine's `rabbitmq-server`, on free ports, with
// its data in a temporary directory), for tests that stop the broker: the shared broker
// on 5672 is never touched. Its data survives stop/start, as a real broker's does, so
// durable queues and persistent messages are still there after a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answers, freePort } from '../ports.js';
import { terminate } from '../child-process.js';
import { waitFor } from '../wait-for.js';

export interface TestRabbitMq {
  /** `amqp://guest:guest@127.0.0.1:<port>` (guest may connect from loopback). */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

const SERVER = ['/usr/lib/rabbitmq/bin/rabbitmq-server', '/usr/sbin/rabbitmq-server'].find((p) => existsSync(p));

export async function startRabbitMq(): Promise<TestRabbitMq> {
  if (!SERVER) throw new Error('rabbitmq-server is not installed (.ci/run installs it)');
  const [port, distPort] = [await freePort(), await freePort()];
  const dir = await mkdtemp(join(tmpdir(), 'pf-rabbitmq-'));
  const node = `pf${port}@localhost`;
  const env = {
    ...process.env,
    HOME: dir, // its own Erlang cookie
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_ENABLED_PLUGINS: '',
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  let child: ChildProcess | undefined;
  const server: TestRabbitMq = {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    async start() {
      child = spawn(SERVER, [], { env, cwd: dir, stdio: 'ignore' });
      await waitFor(() => answers(port), { what: `rabbitmq-server on port ${port}`, timeoutMs: 60_000 });
    },
    async stop() {
      const c = child;
      child = undefined;
      await terminate(c);
      await waitFor(async () => !(await answers(port)), { what: `rabbitmq-server on port ${port} to stop` });
    },
    async dispose() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
