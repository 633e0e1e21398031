import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { Umzug } from 'umzug';
import { redactUrl } from '@packflow/core';
import { MigrationError, unknownBase, unknownMigration } from './migration.errors.js';
import { loadBase, migrationTemplate } from './migration.loader.js';
import type { BaseDefinition, BaseStatus, LoadedMigration, MigrationContext } from './migration.types.js';

/** Key of the advisory lock every runner takes, so two runners never apply at once. */
const LOCK_KEY = 727_301_001;
const TRACKING_TABLE = 'packflow_migrations';

export interface RunnerOptions {
  databaseUrl: string;
  bases: readonly BaseDefinition[];
  /** Progress lines (`applied shared:…`). */
  log?: (line: string) => void;
  /** How to tell a person to run a command, e.g. `pnpm packflow migrate`. */
  commandPrefix?: string;
}

/**
 * Applies, reverts and lists the migrations of several bases. Each base owns the
 * Postgres schema of its name and a tracking table in it; a migration and its tracking
 * row commit in one transaction; the whole run holds an advisory lock.
 */
export class MigrationRunner {
  private readonly bases: readonly BaseDefinition[];
  private readonly log: (line: string) => void;
  private readonly cmd: string;
  private loaded?: Map<string, LoadedMigration[]>;

  constructor(private readonly options: RunnerOptions) {
    this.bases = options.bases;
    this.log = options.log ?? (() => {});
    this.cmd = options.commandPrefix ?? 'pnpm packflow migrate';
  }

  baseNames(): string[] {
    return this.bases.map((b) => b.name);
  }

  private checkBase(base: string): void {
    if (!this.baseNames().includes(base)) throw unknownBase(base, this.baseNames());
  }

  private async migrations(): Promise<Map<string, LoadedMigration[]>> {
    if (!this.loaded) {
      const loaded = new Map<string, LoadedMigration[]>();
      for (const b of this.bases) loaded.set(b.name, await loadBase(b));
      this.loaded = loaded;
    }
    return this.loaded;
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    try {
      await client.connect();
    } catch (error) {
      throw new MigrationError(
        'database_unreachable',
        `cannot connect to PostgreSQL at ${redactUrl(this.options.databaseUrl)}: ${(error as Error).message}`,
      );
    }
    // Keep notices (e.g. "schema already exists, skipping") out of the operator's output.
    client.on('notice', () => {});
    // A connection lost between statements (the server restarted) fails the next query
    // with a clear error; unheard, pg's 'error' event would kill the process instead.
    client.on('error', () => {});
    return client;
  }

  private async withLock<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
      return await fn(client);
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => {});
      await client.end();
    }
  }

  private async readApplied(client: pg.Client): Promise<Map<string, string[]>> {
    const applied = new Map<string, string[]>();
    for (const b of this.bases) {
      const exists = await client.query('select to_regclass($1) as t', [`"${b.name}".${TRACKING_TABLE}`]);
      const rows = exists.rows[0].t
        ? (await client.query(`select name from "${b.name}".${TRACKING_TABLE} order by name`)).rows
        : [];
      applied.set(
        b.name,
        rows.map((r: { name: string }) => r.name),
      );
    }
    return applied;
  }

  async status(base?: string): Promise<BaseStatus[]> {
    if (base) this.checkBase(base);
    const all = await this.migrations();
    const client = await this.connect();
    try {
      const applied = await this.readApplied(client);
      return this.bases
        .filter((b) => !base || b.name === base)
        .map((b) => {
          const done = applied.get(b.name) ?? [];
          return {
            name: b.name,
            applied: done,
            pending: (all.get(b.name) ?? []).map((m) => m.name).filter((n) => !done.includes(n)),
          };
        });
    } finally {
      await client.end();
    }
  }

  /** Applies pending migrations in dependency order; returns the ids applied. */
  async up(options: { base?: string; to?: string } = {}): Promise<string[]> {
    const { base, to } = options;
    if (base) this.checkBase(base);
    if (to && !base) throw new MigrationError('usage', '--to needs --base: migration names belong to one base');
    const all = await this.migrations();
    if (to && !(all.get(base!) ?? []).some((m) => m.name === to)) throw unknownMigration(base!, to);

    return this.withLock(async (client) => {
      const applied = await this.readApplied(client);
      const done = new Set([...applied].flatMap(([b, names]) => names.map((n) => `${b}:${n}`)));
      const queues = this.bases
        .filter((b) => !base || b.name === base)
        .map((b) => {
          let pending = (all.get(b.name) ?? []).filter((m) => !done.has(m.id));
          if (to) {
            const list = all.get(b.name)!;
            const limit = list.findIndex((m) => m.name === to);
            pending = pending.filter((m) => list.indexOf(m) <= limit);
          }
          return pending;
        });

      const order = this.planUp(queues, done, all);
      const umzugs = new Map<string, Umzug<MigrationContext>>();
      for (const m of order) {
        let umzug = umzugs.get(m.base);
        if (!umzug) {
          await client.query(`create schema if not exists "${m.base}"`);
          await client.query(
            `create table if not exists "${m.base}".${TRACKING_TABLE} (name text primary key, applied_at timestamptz not null default now())`,
          );
          umzug = this.umzugFor(m.base, all.get(m.base)!, client);
          umzugs.set(m.base, umzug);
        }
        await this.inTransaction(client, () => umzug!.up({ migrations: [m.name] }), m.id);
        this.log(`applied ${m.id}`);
      }
      return order.map((m) => m.id);
    });
  }

  /** Orders pending migrations so each comes after what it requires; throws before applying anything. */
  private planUp(
    queues: LoadedMigration[][],
    done: Set<string>,
    all: Map<string, LoadedMigration[]>,
  ): LoadedMigration[] {
    const ready = new Set(done);
    const heads = queues.map(() => 0);
    const order: LoadedMigration[] = [];
    for (let progress = true; progress;) {
      progress = false;
      queues.forEach((q, i) => {
        while (heads[i] < q.length && q[heads[i]].requires.every((r) => ready.has(r))) {
          const m = q[heads[i]++];
          ready.add(m.id);
          order.push(m);
          progress = true;
        }
      });
    }
    const blocked = queues.map((q, i) => q[heads[i]]).find(Boolean);
    if (blocked) {
      const missing = blocked.requires.find((r) => !ready.has(r))!;
      const [mBase, mName] = missing.split(':');
      const exists = (all.get(mBase) ?? []).some((m) => m.name === mName);
      throw new MigrationError(
        'missing_dependency',
        exists
          ? `cannot apply ${blocked.id}: it needs ${missing}, which is not applied. Apply it first: ${this.cmd} up --base ${mBase}`
          : `cannot apply ${blocked.id}: it needs ${missing}, which does not exist`,
        { migration: blocked.id, missing },
      );
    }
    return order;
  }

  /** Reverts migrations of one base (the last one, down to `to` exclusive, or all). */
  async down(options: { base: string; to?: string; all?: boolean }): Promise<string[]> {
    const { base, to, all: everything } = options;
    this.checkBase(base);
    if (to && everything) throw new MigrationError('usage', 'give either --to or --all, not both');
    const all = await this.migrations();
    const known = all.get(base)!;
    if (to && !known.some((m) => m.name === to)) throw unknownMigration(base, to);

    return this.withLock(async (client) => {
      const applied = await this.readApplied(client);
      const mine = [...(applied.get(base) ?? [])].reverse();
      let revert: string[];
      if (everything) revert = mine;
      else if (to) {
        if (!mine.includes(to)) throw new MigrationError('not_applied', `${base}:${to} is not applied`);
        revert = mine.slice(0, mine.indexOf(to));
      } else revert = mine.slice(0, 1);

      for (const name of revert) {
        if (!known.some((m) => m.name === name)) {
          throw new MigrationError(
            'unknown_migration',
            `${base}:${name} is applied but its file is missing; cannot revert it`,
          );
        }
      }
      const reverting = new Set(revert.map((n) => `${base}:${n}`));
      for (const [other, names] of applied) {
        if (other === base) continue;
        for (const n of names) {
          const m = all.get(other)?.find((x) => x.name === n);
          const needed = m?.requires.find((r) => reverting.has(r));
          if (needed) {
            throw new MigrationError(
              'dependent_applied',
              `cannot revert ${needed}: ${other}:${n} is applied and depends on it. Revert that first: ${this.cmd} down --base ${other} --all`,
              { migration: needed, dependent: `${other}:${n}` },
            );
          }
        }
      }

      const umzug = this.umzugFor(base, known, client);
      for (const name of revert) {
        await this.inTransaction(client, () => umzug.down({ migrations: [name] }), `${base}:${name}`);
        this.log(`reverted ${base}:${name}`);
      }
      return revert.map((n) => `${base}:${n}`);
    });
  }

  /** Writes a new timestamped migration file; returns its path. */
  async create(base: string, name: string, now = new Date()): Promise<string> {
    this.checkBase(base);
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    if (!slug) throw new MigrationError('usage', `"${name}" is not a usable migration name (use letters and digits)`);
    const stamp = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, '');
    const path = join(this.bases.find((b) => b.name === base)!.dir, `${stamp}-${slug}.ts`);
    await writeFile(path, migrationTemplate(), { flag: 'wx' });
    return path;
  }

  private async inTransaction(client: pg.Client, run: () => Promise<unknown>, id: string): Promise<void> {
    await client.query('begin');
    try {
      await run();
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      const cause = (error as { cause?: Error }).cause ?? error;
      throw new MigrationError('migration_failed', `${id} failed: ${(cause as Error).message}`, { migration: id });
    }
  }

  private umzugFor(base: string, migrations: LoadedMigration[], client: pg.Client): Umzug<MigrationContext> {
    const context: MigrationContext = { client, sql: (text, params) => client.query(text, params) };
    const table = `"${base}".${TRACKING_TABLE}`;
    return new Umzug<MigrationContext>({
      migrations: migrations.map((m) => ({
        name: m.name,
        up: () => m.module.up(context),
        down: () => m.module.down(context),
      })),
      context,
      logger: undefined,
      storage: {
        executed: async () => (await client.query(`select name from ${table} order by name`)).rows.map((r) => r.name),
        logMigration: async ({ name }) => void (await client.query(`insert into ${table} (name) values ($1)`, [name])),
        unlogMigration: async ({ name }) => void (await client.query(`delete from ${table} where name = $1`, [name])),
      },
    });
  }
}
