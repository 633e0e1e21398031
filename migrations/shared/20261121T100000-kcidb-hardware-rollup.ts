// Hourly test counts per hardware for the hardware listing, kept exact by statement
// triggers on kcidb_tests with transition tables: one aggregated upsert per statement
// that writes tests (an ingest of a thousand tests is one upsert of a few hundred keys).
// Keys are upserted in key order, so concurrent loads take the rollup rows' locks in
// the same order. Hours are UTC.
import type { MigrationContext } from '@packflow/migrator';

const KEY = `date_trunc('hour', start_time, 'UTC'), hardware, origin, coalesce(platform, ''), is_boot, coalesce(status, '')`;
const COUNTED = `hardware is not null and start_time is not null`;
const UPSERT = `insert into "shared"."kcidb_hardware_rollups" as r ("hour", "hardware", "origin", "platform", "is_boot", "status", "n")`;
const ON_CONFLICT = `on conflict ("hour", "hardware", "origin", "platform", "is_boot", "status") do update set "n" = r."n" + excluded."n"`;

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create table "shared"."kcidb_hardware_rollups" ("hour" timestamptz not null, "hardware" text not null, "origin" text not null, "platform" text not null, "is_boot" boolean not null, "status" text not null, "n" bigint not null, constraint "kcidb_hardware_rollups_pkey" primary key ("hour", "hardware", "origin", "platform", "is_boot", "status"));

    create function "shared"."kcidb_hardware_rollup"() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${UPSERT}
        select ${KEY}, count(*) from new_rows where ${COUNTED}
         group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      elsif tg_op = 'UPDATE' then
        ${UPSERT}
        select k1, k2, k3, k4, k5, k6, sum(d) from (
          select ${KEY}, 1 as d from new_rows where ${COUNTED}
          union all
          select ${KEY}, -1 from old_rows where ${COUNTED}
        ) as x(k1, k2, k3, k4, k5, k6, d)
         group by 1, 2, 3, 4, 5, 6 having sum(d) <> 0 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      else
        ${UPSERT}
        select ${KEY}, -count(*) from old_rows where ${COUNTED}
         group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      end if;
      return null;
    end
    $$;
    create trigger "kcidb_tests_rollup_insert" after insert on "shared"."kcidb_tests"
      referencing new table as new_rows for each statement execute function "shared"."kcidb_hardware_rollup"();
    create trigger "kcidb_tests_rollup_update" after update on "shared"."kcidb_tests"
      referencing old table as old_rows new table as new_rows for each statement execute function "shared"."kcidb_hardware_rollup"();
    create trigger "kcidb_tests_rollup_delete" after delete on "shared"."kcidb_tests"
      referencing old table as old_rows for each statement execute function "shared"."kcidb_hardware_rollup"();

    ${UPSERT}
    select ${KEY}, count(*) from "shared"."kcidb_tests" where ${COUNTED}
     group by 1, 2, 3, 4, 5, 6
    ${ON_CONFLICT};
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    drop trigger "kcidb_tests_rollup_delete" on "shared"."kcidb_tests";
    drop trigger "kcidb_tests_rollup_update" on "shared"."kcidb_tests";
    drop trigger "kcidb_tests_rollup_insert" on "shared"."kcidb_tests";
    drop function "shared"."kcidb_hardware_rollup"();
    drop table "shared"."kcidb_hardware_rollups";
  `);
}
