import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createOrm } from '@packflow/ecosystems';
import { BASES } from '@packflow/migrations';
import { adminClient, testDatabaseName, testServerUrl, withDatabase } from '@packflow/testing';
import { MigrationRunner } from './migration.runner.js';
import type { MigrationError } from './migration.errors.js';

// These tests need an empty database (not the migrated template), one per test.
const created: string[] = [];
async function emptyDatabase(): Promise<string> {
  const name = testDatabaseName('mig');
  const admin = await adminClient();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.query(`create database "${name}"`);
  await admin.end();
  created.push(name);
  return withDatabase(testServerUrl(), name);
}

afterAll(async () => {
  const admin = await adminClient();
  for (const name of created) await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

const everything = ['shared', 'upstream', 'stream'];

describe('MigrationRunner', () => {
  let url: string;
  let runner: MigrationRunner;
  beforeEach(async () => {
    url = await emptyDatabase();
    runner = new MigrationRunner({ databaseUrl: url, bases: BASES });
  });

  it('applies every base and leaves nothing pending', async () => {
    const applied = await runner.up();
    expect(applied.map((id) => id.split(':')[0])).toEqual(expect.arrayContaining(everything));
    const status = await runner.status();
    expect(status.map((b) => b.name)).toEqual(everything);
    for (const b of status) {
      expect(b.pending).toEqual([]);
      expect(b.applied.length).toBeGreaterThan(0);
    }
  });

  it('leaves no difference between the entities and the migrated schema', async () => {
    await runner.up();
    const orm = await createOrm(url);
    try {
      const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close();
    }
  });

  it('reverts one base and keeps the others', async () => {
    await runner.up();
    await runner.down({ base: 'stream', all: true });
    const status = Object.fromEntries((await runner.status()).map((b) => [b.name, b]));
    expect(status.stream.applied).toEqual([]);
    expect(status.shared.pending).toEqual([]);
    expect(status.upstream.pending).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      "select to_regclass('stream.mr_pairs') as t, to_regclass('shared.pipelines') as p",
    );
    await client.end();
    expect(rows[0]).toEqual({ t: null, p: 'shared.pipelines' });
  });

  it('refuses to revert a migration another applied base depends on', async () => {
    await runner.up();
    await expect(runner.down({ base: 'shared', all: true })).rejects.toMatchObject({
      code: 'dependent_applied',
      message: expect.stringContaining('down --base upstream'),
    });
    expect((await runner.status('shared'))[0].pending).toEqual([]);
  });

  it('refuses to apply a base whose shared migrations are missing, applying nothing', async () => {
    await runner.up();
    await runner.down({ base: 'stream', all: true });
    await runner.down({ base: 'upstream', all: true });
    await runner.down({ base: 'shared', all: true });
    const error = (await runner.up({ base: 'stream' }).catch((e) => e)) as MigrationError;
    expect(error.code).toBe('missing_dependency');
    expect(error.message).toMatch(/needs shared:\S+, which is not applied/);
    expect(error.message).toContain('pnpm packflow migrate up --base shared');
    for (const b of await runner.status()) expect(b.applied).toEqual([]);
  });

  it('applies each migration once when two runners start at the same time', async () => {
    const other = new MigrationRunner({ databaseUrl: url, bases: BASES });
    const [a, b] = await Promise.all([runner.up(), other.up()]);
    expect([...a, ...b].sort()).toEqual(
      (await runner.status()).flatMap((s) => s.applied.map((n) => `${s.name}:${n}`)).sort(),
    );
    expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
  });

  it('applies up to a named migration with --to and reverts with --to', async () => {
    const first = (await runner.status('shared'))[0].pending[0];
    await runner.up({ base: 'shared', to: first });
    expect((await runner.status('shared'))[0].applied).toEqual([first]);
    await runner.down({ base: 'shared', to: first });
    expect((await runner.status('shared'))[0].applied).toEqual([first]);
  });

  it('names unknown bases and migrations', async () => {
    await expect(runner.status('nope')).rejects.toMatchObject({
      code: 'unknown_base',
      message: expect.stringContaining('shared, upstream, stream'),
    });
    await expect(runner.up({ base: 'shared', to: 'missing' })).rejects.toMatchObject({ code: 'unknown_migration' });
  });

  it('says so in one line when the database is unreachable', async () => {
    const bad = new MigrationRunner({ databaseUrl: 'postgres://postgres:s3cret@127.0.0.1:1/x', bases: BASES });
    const error = (await bad.status().catch((e) => e)) as MigrationError;
    expect(error.code).toBe('database_unreachable');
    expect(error.message).not.toContain('s3cret');
  });

  it('creates a timestamped migration file with up and down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-mig-'));
    const scratch = new MigrationRunner({ databaseUrl: url, bases: [{ name: 'shared', dir, dependsOn: {} }] });
    const path = await scratch.create('shared', 'Add Koji index', new Date('2026-11-20T10:11:12Z'));
    expect(await readdir(dir)).toEqual(['20261120T101112-add-koji-index.ts']);
    const text = await readFile(path, 'utf8');
    expect(text).toMatch(/export async function up/);
    expect(text).toMatch(/export async function down/);
  });
});
