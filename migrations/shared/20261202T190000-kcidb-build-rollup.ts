// Test counts per build, boot or not, and status, for the trees listing: it counted every
// test of each tree's latest checkout on every call (a busy checkout holds a hundred
// thousand tests), so its time followed the size of those checkouts and varied with the
// machine's load. The statement trigger that keeps the hourly hardware rollups now keeps
// these too, in the same aggregated way (one upsert per statement, keys in key order).
// A missing status is stored as `''`, so the key has no nulls. Later rollups kept by the
// same trigger build its function from the definitions exported here.
import type { MigrationContext } from '@packflow/migrator';

export interface Rollup {
  table: string;
  columns: string;
  /** The key of a test row, one expression per key column. */
  key: string;
  /** Which tests are counted. */
  counted: string;
  /** Joined to the rows (a lateral that counts one test under several keys), if any. */
  expand?: string;
}

export const HARDWARE: Rollup = {
  table: 'kcidb_hardware_rollups',
  columns: '"hour", "hardware", "origin", "platform", "is_boot", "status"',
  key: `date_trunc('hour', effective_start_time, 'UTC'), hardware, origin, coalesce(platform, ''), is_boot, coalesce(status, '')`,
  counted: 'hardware is not null',
};
export const BUILD: Rollup = {
  table: 'kcidb_build_rollups',
  columns: '"build_id", "is_boot", "status"',
  key: `build_id, is_boot, coalesce(status, '')`,
  counted: 'true',
};

const groupBy = (r: Rollup) =>
  r.columns
    .split(',')
    .map((_, i) => i + 1)
    .join(', ');
const upsert = (r: Rollup, select: string) => `
        insert into "shared"."${r.table}" as r (${r.columns}, "n")
        ${select}
        on conflict (${r.columns}) do update set "n" = r."n" + excluded."n";`;

/** The per-operation upserts of one rollup: inserted rows count +1, deleted -1, updated rows both. */
function branches(r: Rollup): Record<'insert' | 'update' | 'delete', string> {
  const k = r.columns.split(',').map((_, i) => `k${i + 1}`);
  const from = (rows: string) => `${rows}${r.expand ? ` ${r.expand}` : ''}`;
  return {
    insert: upsert(
      r,
      `select ${r.key}, count(*) from ${from('new_rows')} where ${r.counted} group by ${groupBy(r)} order by ${groupBy(r)}`,
    ),
    update: upsert(
      r,
      `select ${k.join(', ')}, sum(d) from (
          select ${r.key}, 1 as d from ${from('new_rows')} where ${r.counted}
          union all
          select ${r.key}, -1 from ${from('old_rows')} where ${r.counted}
        ) as x(${k.join(', ')}, d)
        group by ${groupBy(r)} having sum(d) <> 0 order by ${groupBy(r)}`,
    ),
    delete: upsert(
      r,
      `select ${r.key}, -count(*) from ${from('old_rows')} where ${r.counted} group by ${groupBy(r)} order by ${groupBy(r)}`,
    ),
  };
}

export function rollupFunction(rollups: Rollup[]): string {
  const b = rollups.map(branches);
  return `
    create or replace function "shared"."kcidb_hardware_rollup"() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then${b.map((x) => x.insert).join('')}
      elsif tg_op = 'UPDATE' then${b.map((x) => x.update).join('')}
      else${b.map((x) => x.delete).join('')}
      end if;
      return null;
    end
    $$;`;
}

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."kcidb_build_rollups" ("build_id" text not null, "is_boot" boolean not null, "status" text not null, "n" bigint not null, constraint "kcidb_build_rollups_pkey" primary key ("build_id", "is_boot", "status"));
    ${rollupFunction([HARDWARE, BUILD])}
    insert into "shared"."kcidb_build_rollups" ("build_id", "is_boot", "status", "n")
    select ${BUILD.key}, count(*) from "shared"."kcidb_tests" group by 1, 2, 3;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    ${rollupFunction([HARDWARE])}
    drop table "shared"."kcidb_build_rollups";
  `);
}
