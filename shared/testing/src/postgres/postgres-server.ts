// A PostgreSQL server of the test's own, for tests that stop and start it (the shared one
// on 5432 is never touched): initdb into a temporary folder, pg_ctl on a free port. As
// root (PostgreSQL refuses to run as root) its programs run as the `postgres` user.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { MigrationRunner } from '@packflow/migrator';
import { BASES } from '@packflow/migrations';
import { freePort } from '../ports.js';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: every connection is ended, as in a restart or failover. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  dispose(): Promise<void>;
}

export interface PostgresOptions {
  /** Apply every migration base to its `postgres` database (default false). */
  migrated?: boolean;
}

/** The newest `/usr/lib/postgresql/<version>/bin`, else the PATH. */
function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/** The user the server runs as: this one, or `postgres` (from /etc/passwd) when this is root. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
  const line = passwd.split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgres(options: PostgresOptions = {}): Promise<TestPostgres> {
  const bin = binDir();
  const program = (name: string) => (bin ? join(bin, name) : name);
  const user = await serverUser();
  const dir = await mkdtemp(join(tmpdir(), 'pf-postgres-'));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (name: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      execFile(program(name), args, { cwd: dir, ...user }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${name} ${args.join(' ')} failed: ${stderr || error.message}`)) : resolve(),
      );
    });

  await run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
  ].join(' ');
  let running = false;
  const server: TestPostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', settings, '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop() {
      if (!running) return;
      await run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    async dispose() {
      await server.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
    if (options.migrated) await new MigrationRunner({ databaseUrl: server.url, bases: BASES }).up();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}
