import type pg from 'pg';

/** What a migration's `up`/`down` receive: a client inside the migration's transaction. */
export interface MigrationContext {
  client: pg.PoolClient | pg.Client;
  /** Runs SQL (several statements allowed when there are no parameters). */
  sql(text: string, params?: unknown[]): Promise<pg.QueryResult>;
}

/** The shape of a migration file: `export async function up/down`, optional `requires`. */
export interface MigrationModule {
  up(ctx: MigrationContext): Promise<void>;
  down(ctx: MigrationContext): Promise<void>;
  /** Migrations of other bases this one needs, as `base:name`. */
  requires?: readonly string[];
}

/** A migration base: one Postgres schema, one folder, one tracking table. */
export interface BaseDefinition {
  name: string;
  /** Absolute path of the folder holding this base's migration files. */
  dir: string;
  /**
   * Bases this one builds on, each at a named migration: every migration of this base
   * needs that migration applied first (alembic's `depends_on` for a whole branch).
   */
  dependsOn: Readonly<Record<string, string>>;
}

export interface LoadedMigration {
  base: string;
  name: string;
  /** `base:name`. */
  id: string;
  requires: readonly string[];
  module: MigrationModule;
}

export interface BaseStatus {
  name: string;
  applied: string[];
  pending: string[];
}
