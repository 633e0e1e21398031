// KCIDB objects without a start_time (the submitter guide's minimal example has none) are
// shown at the time packflow received them. That time is a column of its own,
// `received_at`, set once when the row is first written and never merged: a later
// submission that brings the real `start_time` still wins, since the loader keeps the first
// non-null value of each reported column and `start_time` stays null until one comes.
// Reads and the hourly hardware rollup use `effective_start_time`, a generated
// coalesce(start_time, received_at), so its indexes serve them as the start_time ones did.
// Builds are never filtered by time: they get `received_at` only.
import type { MigrationContext } from '@packflow/migrator';

const KEY = (time: string) =>
  `date_trunc('hour', ${time}, 'UTC'), hardware, origin, coalesce(platform, ''), is_boot, coalesce(status, '')`;
const UPSERT = `insert into "shared"."kcidb_hardware_rollups" as r ("hour", "hardware", "origin", "platform", "is_boot", "status", "n")`;
const ON_CONFLICT = `on conflict ("hour", "hardware", "origin", "platform", "is_boot", "status") do update set "n" = r."n" + excluded."n"`;

/** The rollup trigger function over `time`, counting the rows `counted` selects. */
function rollupFunction(time: string, counted: string): string {
  return `
    create or replace function "shared"."kcidb_hardware_rollup"() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        ${UPSERT}
        select ${KEY(time)}, count(*) from new_rows where ${counted}
         group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      elsif tg_op = 'UPDATE' then
        ${UPSERT}
        select k1, k2, k3, k4, k5, k6, sum(d) from (
          select ${KEY(time)}, 1 as d from new_rows where ${counted}
          union all
          select ${KEY(time)}, -1 from old_rows where ${counted}
        ) as x(k1, k2, k3, k4, k5, k6, d)
         group by 1, 2, 3, 4, 5, 6 having sum(d) <> 0 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      else
        ${UPSERT}
        select ${KEY(time)}, -count(*) from old_rows where ${counted}
         group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6
        ${ON_CONFLICT};
      end if;
      return null;
    end
    $$;
    truncate "shared"."kcidb_hardware_rollups";
    ${UPSERT}
    select ${KEY(time)}, count(*) from "shared"."kcidb_tests" where ${counted}
     group by 1, 2, 3, 4, 5, 6
    ${ON_CONFLICT};`;
}

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    alter table "shared"."kcidb_checkouts" add column "received_at" timestamptz not null default now();
    alter table "shared"."kcidb_builds" add column "received_at" timestamptz not null default now();
    alter table "shared"."kcidb_tests" add column "received_at" timestamptz not null default now();
    -- Rows loaded before: the last time a submission touched them is the best known.
    update "shared"."kcidb_checkouts" set "received_at" = "_timestamp";
    update "shared"."kcidb_builds" set "received_at" = "_timestamp";
    alter table "shared"."kcidb_tests" disable trigger "kcidb_tests_rollup_update";
    update "shared"."kcidb_tests" set "received_at" = "_timestamp";
    alter table "shared"."kcidb_tests" enable trigger "kcidb_tests_rollup_update";

    alter table "shared"."kcidb_checkouts" add column "effective_start_time" timestamptz generated always as (coalesce("start_time", "received_at")) stored not null;
    alter table "shared"."kcidb_tests" add column "effective_start_time" timestamptz generated always as (coalesce("start_time", "received_at")) stored not null;

    drop index "shared"."kcidb_checkouts_start_time_index";
    drop index "shared"."kcidb_checkouts_origin_start_time_index";
    create index "kcidb_checkouts_effective_start_time_index" on "shared"."kcidb_checkouts" ("effective_start_time");
    create index "kcidb_checkouts_origin_effective_start_time_index" on "shared"."kcidb_checkouts" ("origin", "effective_start_time");
    drop index "shared"."kcidb_tests_start_time_index";
    drop index "shared"."kcidb_tests_path_index";
    create index "kcidb_tests_effective_start_time_index" on "shared"."kcidb_tests" ("effective_start_time") include ("origin", "status", "is_boot", "hardware", "platform");
    create index "kcidb_tests_path_index" on "shared"."kcidb_tests" ("path", "effective_start_time");
    ${rollupFunction('effective_start_time', 'hardware is not null')}
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    ${rollupFunction('start_time', 'hardware is not null and start_time is not null')}
    drop index "shared"."kcidb_tests_path_index";
    drop index "shared"."kcidb_tests_effective_start_time_index";
    create index "kcidb_tests_path_index" on "shared"."kcidb_tests" ("path", "start_time");
    create index "kcidb_tests_start_time_index" on "shared"."kcidb_tests" ("start_time") include ("origin", "status", "is_boot", "hardware", "platform");
    drop index "shared"."kcidb_checkouts_origin_effective_start_time_index";
    drop index "shared"."kcidb_checkouts_effective_start_time_index";
    create index "kcidb_checkouts_start_time_index" on "shared"."kcidb_checkouts" ("start_time");
    create index "kcidb_checkouts_origin_start_time_index" on "shared"."kcidb_checkouts" ("origin", "start_time");
    alter table "shared"."kcidb_tests" drop column "effective_start_time";
    alter table "shared"."kcidb_checkouts" drop column "effective_start_time";
    alter table "shared"."kcidb_tests" drop column "received_at";
    alter table "shared"."kcidb_builds" drop column "received_at";
    alter table "shared"."kcidb_checkouts" drop column "received_at";
  `);
}
