// `pnpm start` on a fresh checkout: no DATABASE_URL, so embedded PGlite; migrations at
// start; scheduler and web serve /healthz; Ctrl-C stops everything with exit 0.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, testNatsUrl, waitFor } from '@packflow/testing';

let stateDir: string;
afterAll(() => rm(stateDir, { recursive: true, force: true }));

describe('pnpm start', () => {
  it('runs every service on embedded PostgreSQL, serves /healthz and stops cleanly', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'pf-start-'));
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_OPTIONS: '',
      PACKFLOW_STATE_DIR: stateDir,
      SCHEDULER_PORT: '0',
      WEB_PORT: '0',
      NATS_URL: testNatsUrl(),
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    // The `start` script of package.json, run as pnpm runs it but with the shell replaced
    // by node, so the signal reaches packflow itself (pnpm exits by the signal).
    const script = JSON.parse(await readFile(join(repoRoot(), 'package.json'), 'utf8')).scripts.start as string;
    const child = spawn('sh', ['-c', `exec ${script}`], { cwd: repoRoot(), env });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('press Ctrl-C to stop'), { what: 'packflow to start', timeoutMs: 90_000 });
      const urls = [...out.matchAll(/packflow (\S+) listening on (http:\/\/\S+) /g)].map((m) => [m[1], m[2]]);
      expect(urls.map(([name]) => name).sort()).toEqual(['scheduler', 'web']);
      for (const [, url] of urls) {
        const res = await fetch(`${url}/healthz`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ status: 'ok', database: 'ok', nats: 'ok' });
      }
    } finally {
      const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGINT');
      expect(await exit).toBe(0);
    }
  });
});
