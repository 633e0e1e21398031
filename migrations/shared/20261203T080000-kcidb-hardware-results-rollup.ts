// Test counts per hour and hardware for the hardware results summary, which counted every
// test of its window that names the hardware (a busy current hour holds thousands of
// them). A test is counted once under each distinct hardware it names: each compatible
// string and the platform, as the query matches it. The statement trigger that keeps the
// other rollups keeps this one too (one aggregated upsert per statement, keys in key
// order; a merge that fills a status later moves the test from one key to the other).
// The key starts with the hardware, so one hardware's hours are one range of the primary
// key. A missing status is stored as `''`, so the key has no nulls.
import type { MigrationContext } from '@packflow/migrator';
import { BUILD, HARDWARE, rollupFunction, type Rollup } from './20261202T190000-kcidb-build-rollup.js';

const RESULTS: Rollup = {
  table: 'kcidb_hardware_result_rollups',
  columns: '"hardware", "hour", "origin", "is_boot", "status"',
  key: `h.hw, date_trunc('hour', effective_start_time, 'UTC'), origin, is_boot, coalesce(status, '')`,
  // The first of equal names only (a platform that is also a compatible string counts once).
  counted: `h.hw is not null and not coalesce(h.hw = any((environment_compatible || platform)[:h.i - 1]), false)`,
  expand: `cross join lateral unnest(environment_compatible || platform) with ordinality as h(hw, i)`,
};

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."kcidb_hardware_result_rollups" ("hardware" text not null, "hour" timestamptz not null, "origin" text not null, "is_boot" boolean not null, "status" text not null, "n" bigint not null, constraint "kcidb_hardware_result_rollups_pkey" primary key ("hardware", "hour", "origin", "is_boot", "status"));
    ${rollupFunction([HARDWARE, BUILD, RESULTS])}
    insert into "shared"."kcidb_hardware_result_rollups" ("hardware", "hour", "origin", "is_boot", "status", "n")
    select ${RESULTS.key}, count(*) from "shared"."kcidb_tests" ${RESULTS.expand} where ${RESULTS.counted} group by 1, 2, 3, 4, 5;
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    ${rollupFunction([HARDWARE, BUILD])}
    drop table "shared"."kcidb_hardware_result_rollups";
  `);
}
