import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { connect as tcpConnect, createServer } from 'node:net';
import { PackflowError } from '@packflow/core';

export interface LocalNats {
  url: string;
  /** How it was found: `configured`, `running` or `started`. */
  origin: 'configured' | 'running' | 'started';
  stop(): Promise<void>;
}

const LOCAL_DEFAULT = { host: '127.0.0.1', port: 4222 };

export function portAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * NATS for a local run: NATS_URL when set; else a server already answering on
 * 127.0.0.1:4222; else `nats-server -js` from PATH with its data under `dataDir`.
 */
export async function findOrStartNats(configured: string | undefined, dataDir: string): Promise<LocalNats> {
  const none = async () => {};
  if (configured) return { url: configured, origin: 'configured', stop: none };
  if (await portAnswers(LOCAL_DEFAULT.host, LOCAL_DEFAULT.port)) {
    return { url: `nats://${LOCAL_DEFAULT.host}:${LOCAL_DEFAULT.port}`, origin: 'running', stop: none };
  }
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dataDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const failed = new Promise<Error>((resolve) => child.once('error', resolve));
  const started = (async () => {
    for (let i = 0; i < 200; i++) {
      if (child.exitCode !== null) return false;
      if (await portAnswers('127.0.0.1', port, 100)) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  })();
  const outcome = await Promise.race([started, failed]);
  if (outcome !== true) {
    child.kill();
    throw new PackflowError(
      'nats_unavailable',
      'packflow needs NATS with JetStream: set NATS_URL, run a nats-server on 127.0.0.1:4222, ' +
        'or install nats-server so it is on PATH (Debian/Ubuntu: apt-get install nats-server; ' +
        'others: https://docs.nats.io/running-a-nats-service/introduction/installation)',
    );
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    origin: 'started',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
