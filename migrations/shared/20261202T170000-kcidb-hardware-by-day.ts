// Hardware results bounded by their window: the GIN index on every compatible string
// (and the btree on the platform) found a hardware's tests in all history, which the
// query then filtered by time, so its cost grew with history. This GIN index keys each
// test by hardware and UTC day (`acme,board-7@20789`, the day counted from 1970-01-01)
// for each compatible string and the platform; the query asks for the days of its window,
// so it reads that hardware's tests of those days only. It replaces both indexes (one
// index fewer to write on ingest). A hardware name is matched exactly again after the
// index (`@` may appear in a name).
import type { MigrationContext } from '@packflow/migrator';

export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create function "shared"."kcidb_hardware_days"(compatible text[], platform text, start_time timestamptz)
      returns text[] language sql immutable parallel safe as $$
      select case when start_time is null then '{}'::text[] else array(
        select distinct h || '@' || floor(extract(epoch from timezone('UTC', start_time)) / 86400)::int
        from unnest(compatible || platform) h where h is not null) end
    $$;
    create index "kcidb_tests_hardware_day_index" on "shared"."kcidb_tests"
      using gin ("shared"."kcidb_hardware_days"("environment_compatible", "platform", "effective_start_time"));
    drop index "shared"."kcidb_tests_environment_compatible_index";
    drop index "shared"."kcidb_tests_platform_index";
  `);
}

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create index "kcidb_tests_environment_compatible_index" on "shared"."kcidb_tests" using gin ("environment_compatible");
    create index "kcidb_tests_platform_index" on "shared"."kcidb_tests" (("environment_misc" ->> 'platform'));
    drop index "shared"."kcidb_tests_hardware_day_index";
    drop function "shared"."kcidb_hardware_days"(text[], text, timestamptz);
  `);
}
