// The CLI's database without DATABASE_URL: the embedded database of the state directory,
// opened by the CLI itself or, while another process (`pnpm start`) holds it, reached at
// the address that process wrote; an unmigrated database is one line naming the command.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../testing/run-cli.js';

let state: string;
let env: Record<string, string | undefined>;
beforeAll(async () => {
  state = await mkdtemp(join(tmpdir(), 'pf-cli-db-'));
  env = { PACKFLOW_STATE_DIR: state, DATABASE_URL: undefined };
});
afterAll(async () => {
  await rm(state, { recursive: true, force: true });
});

describe('the CLI without DATABASE_URL', () => {
  it('says in one line to run `pnpm packflow migrate up` on an unmigrated embedded database, exit 2', async () => {
    const r = await runCli(['dead-letters', 'list'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `packflow: the embedded database in ${join(state, 'pgdata')} is not migrated (relation "shared.dead_letters" does not exist): run \`pnpm packflow migrate up\`\n`,
    );
  });

  it('migrates the embedded database of the state directory, and dead-letters then reads it', async () => {
    const up = await runCli(['migrate', 'up'], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/migration\(s\) applied\n$/);
    const status = await runCli(['migrate', 'status', '--json'], env);
    expect(status.code).toBe(0);
    for (const b of JSON.parse(status.stdout).bases) expect(b.pending).toEqual([]);
    const list = await runCli(['dead-letters', 'list'], env);
    expect(list).toEqual({ code: 0, stdout: 'no dead letters\n', stderr: '' });
  });

  it('names the DATABASE_URL to set when the process holding the database does not answer', async () => {
    const held = await mkdtemp(join(tmpdir(), 'pf-cli-held-'));
    // A port nobody listens on: taken, then released.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as { port: number };
        server.close(() => resolve(p));
      });
    });
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    // This test process stands in for `pnpm start`: alive, and holding the data directory.
    await writeFile(join(held, 'pgdata.json'), JSON.stringify({ pid: process.pid, url }));
    try {
      const r = await runCli(['dead-letters', 'list'], { ...env, PACKFLOW_STATE_DIR: held });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`served by packflow process ${process.pid} at ${url}`);
      expect(r.stderr).toContain(`set DATABASE_URL=${url}`);
    } finally {
      await rm(held, { recursive: true, force: true });
    }
  });
});
