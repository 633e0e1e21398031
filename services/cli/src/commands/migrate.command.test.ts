import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adminClient, testDatabaseName, testServerUrl, withDatabase } from '@packflow/testing';
import { runCli } from '../testing/run-cli.js';

const name = testDatabaseName('cli');
let env: Record<string, string>;

beforeAll(async () => {
  const admin = await adminClient();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  env = { DATABASE_URL: withDatabase(testServerUrl(), name) };
});
afterAll(async () => {
  const admin = await adminClient();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('pnpm packflow migrate', () => {
  it('is the one line dead-letters prints on the database before it is migrated, exit 2', async () => {
    const r = await runCli(['dead-letters', 'list'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^packflow: postgres:\/\/\S+ is not migrated \(relation "shared\.dead_letters" does not exist\): run `pnpm packflow migrate up`\n$/,
    );
  });

  it('applies everything, then status --json prints exactly the bases with nothing pending', async () => {
    const up = await runCli(['migrate', 'up'], env);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/applied shared:/);
    const status = await runCli(['migrate', 'status', '--json'], env);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(Object.keys(parsed)).toEqual(['bases']);
    expect(parsed.bases.map((b: { name: string }) => b.name)).toEqual(['shared', 'upstream', 'stream']);
    for (const b of parsed.bases) {
      expect(Object.keys(b)).toEqual(['name', 'applied', 'pending']);
      expect(b.pending).toEqual([]);
    }
  });

  it('refuses to apply stream without shared, naming the missing migration and the command, exit non-zero', async () => {
    expect((await runCli(['migrate', 'down', '--base', 'stream', '--all'], env)).code).toBe(0);
    const refused = await runCli(['migrate', 'down', '--base', 'shared', '--all'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/upstream:\S+ is applied and depends on it/);
    expect((await runCli(['migrate', 'down', '--base', 'upstream', '--all'], env)).code).toBe(0);
    expect((await runCli(['migrate', 'down', '--base', 'shared', '--all'], env)).code).toBe(0);
    const up = await runCli(['migrate', 'up', '--base', 'stream'], env);
    expect(up.code).toBe(2);
    expect(up.stderr.trim().split('\n')).toHaveLength(1);
    expect(up.stderr).toMatch(
      /needs shared:\S+, which is not applied\. Apply it first: pnpm packflow migrate up --base shared/,
    );
    const status = JSON.parse((await runCli(['migrate', 'status', '--json'], env)).stdout);
    expect(status.bases.every((b: { applied: string[] }) => b.applied.length === 0)).toBe(true);
  });

  it('two up commands started at once both exit 0', async () => {
    const [a, b] = await Promise.all([runCli(['migrate', 'up'], env), runCli(['migrate', 'up'], env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const status = JSON.parse((await runCli(['migrate', 'status', '--json'], env)).stdout);
    expect(status.bases.every((s: { pending: string[] }) => s.pending.length === 0)).toBe(true);
  });

  it('gives one clear line and exit 2 for an unknown base, an unknown migration and an unreachable database', async () => {
    const base = await runCli(['migrate', 'status', '--base', 'nope'], env);
    expect(base.code).toBe(2);
    expect(base.stderr).toBe('packflow: unknown base "nope" (bases: shared, upstream, stream)\n');
    const migration = await runCli(['migrate', 'up', '--base', 'shared', '--to', 'nope'], env);
    expect(migration.code).toBe(2);
    expect(migration.stderr).toBe('packflow: base shared has no migration named "nope"\n');
    const down = await runCli(['migrate', 'status'], { DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/x' });
    expect(down.code).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(
      /^packflow: cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x/,
    );
  });

  it('has --help on every command', async () => {
    for (const cmd of ['status', 'up', 'down', 'create', 'diff']) {
      const help = await runCli(['migrate', cmd, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: packflow migrate ${cmd}`);
    }
  });
});
