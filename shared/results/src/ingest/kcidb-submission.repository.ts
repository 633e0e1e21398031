import type { KcidbSubmissionError, KcidbSubmissionStatus } from '@packflow/core';
import type { Sql } from '@packflow/core';

export interface StoredSubmission {
  id: string;
  status: KcidbSubmissionStatus;
}

export interface SubmissionState {
  id: string;
  status: KcidbSubmissionStatus;
  errors: KcidbSubmissionError[] | null;
  /** As the driver returns it (a Date or PostgreSQL's text). */
  received_at: Date | string;
  processed_at: Date | string | null;
}

/** The `kcidb_submissions` table: accepted reports waiting to be loaded, and their outcome. */
export const submissions = {
  async insert(sql: Sql, id: string, origins: readonly string[], reportJson: string): Promise<void> {
    await sql.query(
      `insert into "shared"."kcidb_submissions" ("id", "origins", "report", "status")
       values ($1, array(select json_array_elements_text($2::json)), $3::jsonb, 'ready')`,
      [id, JSON.stringify(origins), reportJson],
    );
  },

  async state(sql: Sql, id: string): Promise<SubmissionState | undefined> {
    const {
      rows: [row],
    } = await sql.query<SubmissionState>(
      `select "id", "status", "errors", "received_at", "processed_at" from "shared"."kcidb_submissions" where "id" = $1`,
      [id],
    );
    return row;
  },

  /** Locks one submission for processing; waits while another transaction holds it. */
  async lock(sql: Sql, id: string): Promise<StoredSubmission | undefined> {
    const {
      rows: [row],
    } = await sql.query<StoredSubmission>(
      `select "id", "status" from "shared"."kcidb_submissions" where "id" = $1 for update`,
      [id],
    );
    return row;
  },

  /** Locks the submissions `ids` that exist, in id order (so concurrent batches lock them in the same order); waits while another transaction holds one. */
  async lockMany(sql: Sql, ids: readonly string[]): Promise<StoredSubmission[]> {
    const { rows } = await sql.query<StoredSubmission>(
      `select "id", "status" from "shared"."kcidb_submissions" where "id" = any($1::uuid[]) order by "id" for update`,
      [ids],
    );
    return rows;
  },
  /** Locks up to `limit` of the oldest `ready` submissions received at least `minAgeMs` ago that nobody else is processing. */
  async lockNextReady(sql: Sql, minAgeMs = 0, limit = 1): Promise<StoredSubmission[]> {
    const { rows } = await sql.query<StoredSubmission>(
      `select "id", "status" from "shared"."kcidb_submissions"
       where "status" = 'ready' and "received_at" <= now() - make_interval(secs => $1::float8 / 1000)
       order by "received_at" limit $2 for update skip locked`,
      [minAgeMs, limit],
    );
    return rows;
  },
  async report(sql: Sql, id: string): Promise<unknown> {
    const {
      rows: [row],
    } = await sql.query<{ report: unknown }>(`select "report" from "shared"."kcidb_submissions" where "id" = $1`, [id]);
    return row?.report;
  },

  /**
   * The commit hashes of the checkouts loaded submissions `ids` reported on: their
   * checkouts, the checkouts of their builds and of their tests' builds (which may have
   * come in earlier).
   */
  async commits(sql: Sql, ids: readonly string[]): Promise<string[]> {
    const { rows } = await sql.query<{ hash: string }>(
      `with r as (select "report" from "shared"."kcidb_submissions" where "id" = any($1::uuid[])),
       ids as (
         select c ->> 'id' as id from r, jsonb_array_elements(coalesce(r.report -> 'checkouts', '[]')) c
         union select b ->> 'checkout_id' from r, jsonb_array_elements(coalesce(r.report -> 'builds', '[]')) b
         union select kb."checkout_id" from r, jsonb_array_elements(coalesce(r.report -> 'tests', '[]')) t
                join "shared"."kcidb_builds" kb on kb."id" = t ->> 'build_id')
       select distinct k."git_commit_hash" as hash
         from "shared"."kcidb_checkouts" k join ids on ids.id = k."id"
        where k."git_commit_hash" is not null
        order by 1`,
      [ids],
    );
    return rows.map((r) => r.hash);
  },

  /** Records the outcome of submissions `ids` (one, when there are errors: they are its own). */
  async finish(
    sql: Sql,
    ids: readonly string[],
    status: 'processed' | 'failed',
    errors: readonly KcidbSubmissionError[] | null,
  ): Promise<void> {
    await sql.query(
      `update "shared"."kcidb_submissions"
       set "status" = $2, "errors" = $3::jsonb, "processed_at" = now(), "updated_at" = now() where "id" = any($1::uuid[])`,
      [ids, status, errors ? JSON.stringify(errors) : null],
    );
  },
};
