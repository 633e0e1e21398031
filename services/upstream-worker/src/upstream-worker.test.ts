import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createTestDatabase, repoRoot, testNatsUrl, waitFor, type TestDatabase } from '@packflow/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('upstream worker process', () => {
  it('starts alone, connects, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', './tools/register.mjs', 'services/upstream-worker/src/main.ts'], {
      cwd: repoRoot(),
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: db.url, NATS_URL: testNatsUrl(), LOG_FORMAT: 'json' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await waitFor(() => out.includes('upstream-worker started'), { what: 'the worker to start', timeoutMs: 30_000 });
    const exit = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(out).toContain('"msg":"stopped"');
  });
});
