// The SQL of the KCIDB queries, one statement each, kept in one file so that a change to a
// query shows in review. Parameters are `$n`; a filter whose parameter is null is off
// (PostgreSQL plans each call with its values, so an unused filter costs nothing).
//
// Counting is done in two steps: rows are first grouped by (boot?, status), a few groups
// at most, and the groups are then pivoted into JSON. Evaluating a dozen `filter` clauses
// on every row instead costs several times more.
//
// Time: objects without a reported `start_time` are placed at the time packflow received
// them. Filters and order use `effective_start_time` (generated: start_time, else
// received_at; the indexes are on it); answers give it as `start_time` with
// `start_time_source`: `report` or `received`.
//
// Lists page by keyset: the cursor parameter is the key of the previous page's last item
// (see kcidb-query.params.ts); a list holds what sorts after it in its own order, which
// ends in a unique column, so rows stored between two page fetches neither repeat nor
// push rows off the following pages. Where the key is an object id, its sort values are
// read from that object by primary key.
import { SQL_SUMMARY_STATUS } from '../report/kcidb-status.js';

/** `start_time` and `start_time_source` of row `t` (of a table with effective_start_time). */
const START = (t: string) => `${t}.effective_start_time as start_time, ${SOURCE(t)} as start_time_source`;
/** Where a row's shown start time comes from. */
const SOURCE = (t: string) => `case when ${t}.start_time is null then 'received' else 'report' end`;

const STATUSES = ['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'];

/**
 * Whether a test is a boot: its path is `boot` or under it (a test without a path is not).
 * The same as the generated column `is_boot`, for rows read through an index without it.
 */
const BOOT = (t: string) => `coalesce(${t}.path = 'boot' or starts_with(${t}.path, 'boot.'), false)`;

/**
 * `{"fail": n, "error": n, "miss": n, "pass": n, "done": n, "skip": n, "null": n, "total": n}`
 * over groups `g(status, n)` (and `g.boot` when `where` uses it).
 */
export function statusCounts(where = 'true'): string {
  const sum = (cond: string) => `coalesce(sum(g.n) filter (where ${where} and ${cond}), 0)::int`;
  return `json_build_object(${[
    ...STATUSES.map((s) => `'${s.toLowerCase()}', ${sum(`g.status = '${s}'`)}`),
    `'null', ${sum('g.status is null')}`,
    `'total', ${sum('true')}`,
  ].join(', ')})`;
}

/** `{"pass": n, "fail": n, "inconclusive": n}` over groups: anything but PASS and FAIL is inconclusive. */
function passFail(where: string): string {
  const sum = (cond: string) => `coalesce(sum(g.n) filter (where ${where} and ${cond}), 0)::int`;
  return `json_build_object('pass', ${sum(`g.status = 'PASS'`)}, 'fail', ${sum(`g.status = 'FAIL'`)}, 'inconclusive', ${sum(
    `g.status is distinct from 'PASS' and g.status is distinct from 'FAIL'`,
  )})`;
}

/**
 * The tests of checkout `checkout`'s builds grouped by boot and status, summed from the
 * per-build rollups (kept by the trigger on kcidb_tests) rather than counted test by test.
 */
const BUILD_ROLLUP_GROUPS = (checkout: string) =>
  `select r.is_boot as boot, nullif(r.status, '') as status, sum(r.n) as n
   from shared.kcidb_builds b join shared.kcidb_build_rollups r on r.build_id = b.id
   where b.checkout_id = ${checkout} group by 1, 2`;

/** Hardware everywhere but the hardware listing and details: the platform, else the first compatible string. */
const PLATFORM = `coalesce(t.environment_misc ->> 'platform', t.environment_compatible[1])`;

/**
 * The order of the trees listing: tree, branch (missing ones last), origin, repository
 * (missing last), which with the nulls as flags is a row `>` can compare.
 */
const TREE_KEY = (c: string) =>
  `${c}.tree_name is null, coalesce(${c}.tree_name, ''), ${c}.git_repository_branch is null, ` +
  `coalesce(${c}.git_repository_branch, ''), ${c}.origin, ${c}.git_repository_url is null, coalesce(${c}.git_repository_url, '')`;

/** $1 from, $2 to, $3 origin, $4 tag, $5 limit, $6 cursor (a checkout id). */
export const TREES_SQL = `
with latest as (
  select distinct on (c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch)
    c.id, c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.git_commit_hash,
    c.git_commit_name, c.git_commit_tags, c.patchset_hash, ${START('c')}
  from shared.kcidb_checkouts c
  where c.effective_start_time >= $1 and c.effective_start_time < $2
    and ($3::text is null or c.origin = $3)
    and ($4::text is null or c.git_commit_tags @> array[$4::text])
    and ($6::text is null or (${TREE_KEY('c')}) > (select ${TREE_KEY('a')} from shared.kcidb_checkouts a where a.id = $6))
  order by c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.effective_start_time desc, c.id desc
), page as (
  select * from latest
  order by tree_name nulls last, git_repository_branch nulls last, origin, git_repository_url nulls last
  limit $5
)
select p.id as checkout_id, p.origin, p.tree_name, p.git_repository_url, p.git_repository_branch, p.git_commit_hash,
  p.git_commit_name, p.git_commit_tags, p.patchset_hash, p.start_time, p.start_time_source, b.builds, t.boots, t.tests
from page p
left join lateral (
  select ${statusCounts()} as builds
  from (select b.status, count(*) as n from shared.kcidb_builds b where b.checkout_id = p.id group by 1) g
) b on true
left join lateral (
  select ${statusCounts('g.boot')} as boots, ${statusCounts('not g.boot')} as tests
  from (${BUILD_ROLLUP_GROUPS('p.id')}) g
) t on true
order by p.tree_name nulls last, p.git_repository_branch nulls last, p.origin, p.git_repository_url nulls last`;

/** $1 commit, $2 patchset, $3 origin, $4 from, $5 to, $6 limit, $7 cursor (a build id). */
export const REVISION_SQL = `
with revision as (
  select c.* from shared.kcidb_checkouts c
  where c.git_commit_hash = $1 and coalesce(c.patchset_hash, '') = $2
    and ($3::text is null or c.origin = $3)
    and ($4::timestamptz is null or c.effective_start_time >= $4)
    and ($5::timestamptz is null or c.effective_start_time < $5)
), revision_builds as (
  select b.* from shared.kcidb_builds b where b.checkout_id in (select id from revision)
), build_groups as (
  select t.build_id, ${BOOT('t')} as boot, t.status, count(*) as n
  from shared.kcidb_tests t where t.build_id in (select id from revision_builds)
  group by 1, 2, 3
), page as (
  select b.id, b.checkout_id, b.origin, b.architecture, b.config_name, b.compiler, b.status,
    coalesce(b.start_time, b.received_at) as start_time, ${SOURCE('b')} as start_time_source, b.duration, b.log_url
  from revision_builds b
  where $7::text is null or (b.checkout_id, b.id) > (select a.checkout_id, a.id from shared.kcidb_builds a where a.id = $7)
  order by b.checkout_id, b.id limit $6
)
select
  (select coalesce(json_agg(json_build_object(
      'id', r.id, 'origin', r.origin, 'tree_name', r.tree_name, 'git_repository_url', r.git_repository_url,
      'git_repository_branch', r.git_repository_branch, 'git_commit_name', r.git_commit_name,
      'git_commit_tags', r.git_commit_tags, 'start_time', r.effective_start_time,
      'start_time_source', ${SOURCE('r')}, 'valid', r.valid
    ) order by r.effective_start_time, r.id), '[]'::json) from revision r) as checkouts,
  (select ${statusCounts()} from (select b.status, count(*) as n from revision_builds b group by 1) g) as builds_summary,
  (select json_build_object('boots', ${statusCounts('g.boot')}, 'tests', ${statusCounts('not g.boot')}) from build_groups g) as tests_summary,
  (select coalesce(json_agg(x order by x.checkout_id, x.id), '[]'::json) from (
     select p.*, s.boots, s.tests, s.test_status
     from page p left join lateral (
       select ${statusCounts('g.boot')} as boots, ${statusCounts('not g.boot')} as tests,
         ${SQL_SUMMARY_STATUS('g.status')} as test_status
       from build_groups g where g.build_id = p.id
     ) s on true
   ) x) as builds`;

/** Hardware counts of the tests of [from, to), with `sign` (1, or -1 to take them away), when `when` holds. */
const rawHardwareCounts = (from: string, to: string, sign: number, when: string) => `
  select t.hardware, t.platform, t.is_boot, t.status, ${sign} * count(*)
  from shared.kcidb_tests t
  where ${when} and t.effective_start_time >= ${from} and t.effective_start_time < ${to}
    and ($3::text is null or t.origin = $3)
    and t.hardware is not null
    and ($5::text is null or t.hardware > $5)
  group by 1, 2, 3, 4`;

/** The rollups of the whole hours [from, to), when `when` holds. */
const rollupCounts = (from: string, to: string, when: string) => `
  select r.hardware, nullif(r.platform, ''), r.is_boot, nullif(r.status, ''), r.n
  from shared.kcidb_hardware_rollups r
  where ${when} and r.hour >= ${from} and r.hour < ${to}
    and ($3::text is null or r.origin = $3)
    and ($5::text is null or r.hardware > $5)
    and r.n <> 0`;

const HOUR_MS = 3600_000;
const HALF_HOUR_MS = HOUR_MS / 2;

/**
 * The hours of an interval [from, to) and how each partial end hour is counted, as seven
 * parameters of HARDWARE_SQL and HARDWARE_RESULTS_SQL (see `hourlyCounts`). Worked out
 * here rather than in SQL so that PostgreSQL plans with them as constants: the branches
 * not taken cost nothing and are not counted in the plan's cost (which, counted, made it
 * start parallel workers that took longer to start than the whole query). A partial end
 * hour is counted as its rollup less the tests outside the interval when those are the
 * fewer: for the last hour when the interval runs to now or later (the usual listing:
 * the current hour may hold many tests, the future none) or ends in the hour's second
 * half; for the first hour when the interval starts in its first half. UTC hours are
 * multiples of an hour since the epoch.
 */
export function hardwareHours(from: Date, to: Date, now: Date = new Date()): unknown[] {
  const firstHour = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(to.getTime() / HOUR_MS) * HOUR_MS;
  const oneHour = firstHour > lastHour;
  const headLess = !oneHour && firstHour - from.getTime() > HALF_HOUR_MS;
  const tailLess =
    !oneHour &&
    lastHour < to.getTime() &&
    (to.getTime() >= now.getTime() - 60_000 || to.getTime() - lastHour >= HALF_HOUR_MS);
  return [
    new Date(firstHour),
    new Date(lastHour),
    new Date(firstHour - HOUR_MS),
    new Date(lastHour + HOUR_MS),
    oneHour,
    headLess,
    tailLess,
  ];
}

/**
 * The counts of the tests of [from, to) as a union of `rollup` (hourly rollups of whole
 * hours [a, b) when a condition holds) and `raw` (the tests of [a, b) counted one by one,
 * added or taken away): whole hours from the rollups, the partial end hours from the
 * tests, or as their rollup less the tests outside the interval. `at` is the number of
 * the first of the seven `hardwareHours` parameters: $at the first whole hour, +1 the
 * start of the last (partial) hour, +2 the start of the first partial hour, +3 the end of
 * the last, +4 the interval lies within one hour, +5 the first partial hour is counted as
 * its rollup less the tests before `from`, +6 the last as its rollup less the tests from
 * `to` on. Every raw range lies within one UTC hour.
 */
function hourlyCounts(
  from: string,
  to: string,
  at: number,
  rollup: (a: string, b: string, when: string) => string,
  raw: (a: string, b: string, sign: number, when: string) => string,
): string {
  const [first, last, head, end] = [0, 1, 2, 3].map((i) => `$${at + i}::timestamptz`);
  const [oneHour, headLess, tailLess] = [4, 5, 6].map((i) => `$${at + i}::boolean`);
  return [
    rollup(first, last, 'true'),
    raw(from, to, 1, oneHour),
    raw(from, first, 1, `not ${oneHour} and not ${headLess}`),
    rollup(head, first, headLess),
    raw(head, from, -1, headLess),
    raw(last, to, 1, `not ${oneHour} and not ${tailLess}`),
    rollup(last, end, tailLess),
    raw(to, end, -1, tailLess),
  ].join('\n    union all\n');
}

/**
 * $1 from, $2 to, $3 origin, $4 limit, $5 cursor (a hardware), then `hardwareHours` ($6-$12).
 * The whole hours come from `kcidb_hardware_rollups` (hourly counts kept by triggers);
 * partial hours are counted from the tests themselves (an index-only scan of the
 * effective_start_time index, which carries the generated `hardware`, `platform` and
 * `is_boot`), or as their rollup less the tests outside the interval.
 */
export const HARDWARE_SQL = `
select g.hardware,
  coalesce(array_agg(distinct g.platform) filter (where g.platform is not null), '{}') as platforms,
  ${passFail('g.boot')} as boots,
  ${passFail('not g.boot')} as tests
from (
  select u.hardware, u.platform, u.boot, u.status, sum(u.n) as n
  from (
    ${hourlyCounts('$1', '$2', 6, rollupCounts, rawHardwareCounts)}
  ) u(hardware, platform, boot, status, n)
  group by 1, 2, 3, 4
  having sum(u.n) <> 0
) g(hardware, platform, boot, status, n)
group by g.hardware
order by g.hardware
limit $4`;

/** The UTC day of a time, counted from 1970-01-01, as `kcidb_hardware_days` keys it. */
const DAY = (time: string) => `floor(extract(epoch from ${time}) / 86400)::int`;

/** Whether test `t` names hardware $1 (among its compatible strings, or as its platform). */
const NAMES_HARDWARE = `(t.environment_compatible @> array[$1::text] or t.platform = $1)`;

/**
 * Tests of hardware $1 within one UTC hour [from, to), with `sign`, when `when` holds:
 * found by the `hardware@day` key of that day (the GIN index kcidb_tests_hardware_day_index,
 * the key a constant PostgreSQL works out when it plans) or by the time index, whichever
 * PostgreSQL estimates reads fewer rows.
 */
const rawResultCounts = (from: string, to: string, sign: number, when: string) => `
  select t.is_boot, t.status, ${sign} * count(*)
  from shared.kcidb_tests t
  where ${when} and t.effective_start_time >= ${from} and t.effective_start_time < ${to}
    and shared.kcidb_hardware_days(t.environment_compatible, t.platform, t.effective_start_time)
      && shared.kcidb_hardware_days(array[$1::text], null, ${from})
    and ${NAMES_HARDWARE}
    and ($4::text is null or t.origin = $4)
  group by 1, 2`;

/** The hardware results rollups of hardware $1 for the whole hours [from, to), when `when` holds. */
const resultRollupCounts = (from: string, to: string, when: string) => `
  select r.is_boot, nullif(r.status, ''), r.n
  from shared.kcidb_hardware_result_rollups r
  where ${when} and r.hardware = $1 and r.hour >= ${from} and r.hour < ${to}
    and ($4::text is null or r.origin = $4)
    and r.n <> 0`;

/**
 * $1 hardware, $2 from, $3 to, $4 origin, $5 limit, $6 cursor (a test id): the `hardware@day`
 * keys of the days HARDWARE_RESULTS_SQL reads its page from, the newest days of the window
 * (before the cursor) that have tests of the hardware: a day is read when the days after
 * it hold fewer tests than the page, as the hourly rollups of their whole hours count
 * them (a partial hour is not counted, which can only read a day more). Asked before the
 * page so that PostgreSQL plans the page with the keys as a value and estimates their rows
 * from the index's statistics: as an unknown it estimated a share of the whole table,
 * and over ten million tests started JIT compilation that took seconds.
 */
export const HARDWARE_PAGE_DAYS_SQL = `
with bound as (
  select least($3::timestamptz, coalesce((select a.effective_start_time from shared.kcidb_tests a where a.id = $6), $3)) as t
)
select coalesce(array_agg($1::text || '@' || d.day), '{}') as keys
  from (
    select c.day, coalesce(sum(c.n) over (order by c.day desc rows between unbounded preceding and 1 preceding), 0) as newer
    from (
      select ${DAY('r.hour')} as day,
        coalesce(sum(r.n) filter (where r.hour >= $2 and r.hour + interval '1 hour' <= bound.t), 0) as n
      from shared.kcidb_hardware_result_rollups r, bound
      where r.hardware = $1 and r.hour >= date_trunc('hour', $2::timestamptz, 'UTC')
        -- The cursor's hour even when the cursor is at its start: tests of the cursor's time sort after it by id.
        and (r.hour < bound.t or ($6::text is not null and r.hour = bound.t))
        and ($4::text is null or r.origin = $4) and r.n <> 0
      group by 1
    ) c
  ) d
  where d.newer < $5`;

/**
 * $1 hardware, $2 from, $3 to, $4 origin, $5 limit, $6 cursor (a test id), then
 * `hardwareHours` ($7-$13), $14 HARDWARE_PAGE_DAYS_SQL's keys. The summary sums the hourly
 * rollups of the hardware (`kcidb_hardware_result_rollups`, kept by triggers) and counts
 * the partial end hours as HARDWARE_SQL does. The page reads the hardware's tests of the
 * days $14 names (the GIN index kcidb_tests_hardware_day_index). So neither part grows
 * with history or with the window. Only the page's tests are joined to their builds and
 * checkouts.
 */
export const HARDWARE_RESULTS_SQL = `
select
  (select json_build_object('boots', ${passFail('g.boot')}, 'tests', ${passFail('not g.boot')})
     from (
       select u.boot, u.status, sum(u.n) as n
       from (
         ${hourlyCounts('$2', '$3', 7, resultRollupCounts, rawResultCounts)}
       ) u(boot, status, n)
       group by 1, 2
     ) g) as summary,
  (select coalesce(json_agg(x order by x.start_time desc, x.id desc), '[]'::json) from (
     select m.id, m.build_id, m.origin, m.path, m.status, m.start_time, m.start_time_source, m.duration, m.log_url,
       m.environment_compatible, m.platform, b.architecture, b.config_name, b.compiler, b.checkout_id, c.tree_name, c.git_repository_branch,
       c.git_commit_hash
     from (
       select t.* from (
         select t.id, t.build_id, t.origin, t.path, t.status, ${START('t')}, t.duration, t.log_url,
           t.environment_compatible, t.platform
         from shared.kcidb_tests t
         where shared.kcidb_hardware_days(t.environment_compatible, t.platform, t.effective_start_time) && $14::text[]
           and ${NAMES_HARDWARE}
           -- As a range, which the effective_start_time index cannot serve: the day keys found the rows already.
           and tstzrange($2, $3) @> t.effective_start_time
           and ($4::text is null or t.origin = $4)
           and ($6::text is null
             or (t.effective_start_time, t.id) < (select a.effective_start_time, a.id from shared.kcidb_tests a where a.id = $6))
         order by t.effective_start_time desc, t.id desc limit $5
       ) t
     ) m
     left join shared.kcidb_builds b on b.id = m.build_id
     left join shared.kcidb_checkouts c on c.id = b.checkout_id
   ) x) as items`;

/**
 * $1 path, $2 from, $3 to, $4 origin, $5 platform, $6 config, $7 branch, $8 tree, $9 limit,
 * $10 cursor (a test id). The cursor's time bounds the scan of the path index.
 */
export const TEST_HISTORY_SQL = `
select t.id, t.status, ${START('t')}, t.duration, t.origin, t.log_url, ${PLATFORM} as platform,
  t.build_id, b.config_name, b.architecture, b.checkout_id, c.tree_name, c.git_repository_branch,
  c.git_commit_hash, c.git_commit_name
from shared.kcidb_tests t
left join shared.kcidb_builds b on b.id = t.build_id
left join shared.kcidb_checkouts c on c.id = b.checkout_id
where t.path = $1 and t.effective_start_time >= $2 and t.effective_start_time < $3
  and ($4::text is null or t.origin = $4)
  and ($5::text is null or ${PLATFORM} = $5)
  and ($6::text is null or b.config_name = $6)
  and ($7::text is null or c.git_repository_branch = $7)
  and ($8::text is null or c.tree_name = $8)
  and ($10::text is null
    or (t.effective_start_time, t.id) < (select a.effective_start_time, a.id from shared.kcidb_tests a where a.id = $10))
order by t.effective_start_time desc, t.id desc
limit $9`;

/** $1 build id, $2 prefix, $3 origin, $4 from, $5 to, $6 limit, $7 cursor (a path). */
export const PATH_ROLLUP_SQL = `
select g.path, g.depth, ${SQL_SUMMARY_STATUS('g.status')} as status, ${statusCounts()} as counts
from (
  select p.path, p.depth, t.status, count(*) as n
  from shared.kcidb_tests t
  cross join lateral (
    select array_to_string(s.parts[1:n], '.') as path, n as depth
    from (select case when coalesce(t.path, '') = '' then '{}'::text[] else string_to_array(t.path, '.') end as parts) s
    cross join generate_series(0, coalesce(array_length(s.parts, 1), 0)) n
  ) p
  where t.build_id = $1
    and ($3::text is null or t.origin = $3)
    and ($4::timestamptz is null or t.effective_start_time >= $4)
    and ($5::timestamptz is null or t.effective_start_time < $5)
    and (coalesce($2::text, '') = '' or p.path = $2 or starts_with(p.path, $2 || '.'))
    and ($7::text is null or p.path collate "C" > $7)
  group by 1, 2, 3
) g
group by g.path, g.depth
order by g.path collate "C"
limit $6`;
