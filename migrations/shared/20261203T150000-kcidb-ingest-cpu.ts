// Less PostgreSQL CPU per loaded test, same contents (measured with perf and per-backend
// CPU time while loading 1,000-test reports, 16,000 tests a statement):
//
// 1. The hardware@day keys of the GIN index kcidb_tests_hardware_day_index come from a
//    PL/pgSQL loop instead of an SQL function. The SQL function (a subquery over unnest
//    with distinct) cannot be inlined, so PostgreSQL started and ended a small executor
//    plan for every test written: a fifth of the loader's CPU. The loop costs 2.9 instead
//    of 8.4 µs a test. The keys are the same set for every test (the same day arithmetic;
//    GIN sorts and drops repeated keys itself, and the query matches keys with &&), so the
//    index stays valid and is not rebuilt.
// 2. The hardware results rollup first groups the written tests by their hardware names
//    (the array), hour, origin, boot and status, and only then takes each group's array
//    apart: unnest ran once per test (a function scan and its tuplestore each time); there
//    are a few hundred such groups in 16,000 tests (62 -> 25 ms). Same counts.
//    The rollups' UTC hour is date_bin('1 hour', …, 2000-01-01 UTC), arithmetic on the
//    time, rather than date_trunc('hour', …, 'UTC'), which looks the zone up for every
//    test: the same hour (checked over 1900-2280), 19 -> 12 ms per 16,000 tests a rollup.
// 3. Submitted reports are compressed with lz4 rather than pglz: storing a 350 kB report
//    takes 11 instead of 14 ms of the submit's PostgreSQL CPU, and every load reads it
//    back faster; the stored size is the same (39 kB). Reports stored before stay pglz,
//    and so does a server built without lz4 (the embedded PGlite).
import type { MigrationContext } from '@packflow/migrator';
import { BUILD, HARDWARE, rollupFunction as previousRollupFunction, type Rollup } from './20261202T190000-kcidb-build-rollup.js';

/** A rollup whose key is computed from rows grouped first; `n` is how many tests a group row stands for. */
interface GroupedRollup {
  table: string;
  columns: string;
  /** The rows, from a transition table, each standing for `weight` tests. */
  from(rows: string): string;
  key: string;
  counted: string;
  weight: string;
}

const PREVIOUS_HOUR = `date_trunc('hour', effective_start_time, 'UTC')`;

const asGrouped = (r: Rollup): GroupedRollup => ({
  table: r.table,
  columns: r.columns,
  from: (rows) => `${rows}${r.expand ? ` ${r.expand}` : ''}`,
  key: r.key,
  counted: r.counted,
  weight: '1',
});

/** The UTC hour of a test, as date_trunc('hour', effective_start_time, 'UTC') but without a time zone lookup. */
const HOUR = `date_bin('1 hour', effective_start_time, timestamptz '2000-01-01 00:00:00+00')`;

const RESULTS: GroupedRollup = {
  table: 'kcidb_hardware_result_rollups',
  columns: '"hardware", "hour", "origin", "is_boot", "status"',
  from: (rows) => `(
          select environment_compatible || platform as names, ${HOUR} as hour,
            origin, is_boot, coalesce(status, '') as status, count(*) as n
          from ${rows} group by 1, 2, 3, 4, 5
        ) g cross join lateral unnest(g.names) with ordinality as h(hw, i)`,
  key: `h.hw, g.hour, g.origin, g.is_boot, g.status`,
  // The first of equal names only (a platform that is also a compatible string counts once).
  counted: `h.hw is not null and not coalesce(h.hw = any(g.names[:h.i - 1]), false)`,
  weight: 'g.n',
};

const positions = (r: GroupedRollup) =>
  r.columns
    .split(',')
    .map((_, i) => i + 1)
    .join(', ');
const upsert = (r: GroupedRollup, select: string) => `
        insert into "shared"."${r.table}" as r (${r.columns}, "n")
        ${select}
        on conflict (${r.columns}) do update set "n" = r."n" + excluded."n";`;

/** How many tests the rows of one key stand for. */
const total = (r: GroupedRollup) => (r.weight === '1' ? 'count(*)' : `sum(${r.weight})::bigint`);

/** The per-operation upserts of one rollup: inserted rows count +weight, deleted -weight, updated rows both. */
function branches(r: GroupedRollup): Record<'insert' | 'update' | 'delete', string> {
  const k = r.columns.split(',').map((_, i) => `k${i + 1}`);
  const by = positions(r);
  return {
    insert: upsert(
      r,
      `select ${r.key}, ${total(r)} from ${r.from('new_rows')} where ${r.counted} group by ${by} order by ${by}`,
    ),
    update: upsert(
      r,
      `select ${k.join(', ')}, sum(d)::bigint from (
          select ${r.key}, ${r.weight} as d from ${r.from('new_rows')} where ${r.counted}
          union all
          select ${r.key}, -${r.weight} from ${r.from('old_rows')} where ${r.counted}
        ) as x(${k.join(', ')}, d)
        group by ${by} having sum(d) <> 0 order by ${by}`,
    ),
    delete: upsert(
      r,
      `select ${r.key}, -${total(r)} from ${r.from('old_rows')} where ${r.counted} group by ${by} order by ${by}`,
    ),
  };
}

function rollupFunction(rollups: GroupedRollup[]): string {
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
    create or replace function "shared"."kcidb_hardware_days"(compatible text[], platform text, start_time timestamptz)
      returns text[] language plpgsql immutable parallel safe as $$
      declare
        day text;
        h text;
        keys text[] := '{}';
      begin
        if start_time is null then
          return keys;
        end if;
        day := '@' || floor(extract(epoch from timezone('UTC', start_time)) / 86400)::int;
        foreach h in array compatible || platform loop
          if h is not null then
            keys := array_append(keys, h || day);
          end if;
        end loop;
        return keys;
      end
    $$;
    ${rollupFunction([asGrouped({ ...HARDWARE, key: HARDWARE.key.replace(PREVIOUS_HOUR, HOUR) }), asGrouped(BUILD), RESULTS])}
    -- Only where the server was built with lz4 (PostgreSQL's packages are; the embedded
    -- PGlite of pnpm start is not, and keeps pglz).
    do $$
    begin
      if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
        alter table "shared"."kcidb_submissions" alter column "report" set compression lz4;
      end if;
    end
    $$;
  `);
}

/** The previous results rollup (one unnest per test), as migration kcidb-hardware-results-rollup made it. */
const PREVIOUS_RESULTS: Rollup = {
  table: 'kcidb_hardware_result_rollups',
  columns: '"hardware", "hour", "origin", "is_boot", "status"',
  key: `h.hw, date_trunc('hour', effective_start_time, 'UTC'), origin, is_boot, coalesce(status, '')`,
  counted: `h.hw is not null and not coalesce(h.hw = any((environment_compatible || platform)[:h.i - 1]), false)`,
  expand: `cross join lateral unnest(environment_compatible || platform) with ordinality as h(hw, i)`,
};

export async function down({ sql }: MigrationContext): Promise<void> {
  await sql(`
    create or replace function "shared"."kcidb_hardware_days"(compatible text[], platform text, start_time timestamptz)
      returns text[] language sql immutable parallel safe as $$
      select case when start_time is null then '{}'::text[] else array(
        select distinct h || '@' || floor(extract(epoch from timezone('UTC', start_time)) / 86400)::int
        from unnest(compatible || platform) h where h is not null) end
    $$;
    ${previousRollupFunction([HARDWARE, BUILD, PREVIOUS_RESULTS])}
    alter table "shared"."kcidb_submissions" alter column "report" set compression default;
  `);
}
