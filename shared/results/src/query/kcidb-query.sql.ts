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

/** Groups tests `t` by boot and status: `select … from (${grouped(from)}) g`. */
const grouped = (fromWhere: string) =>
  `select ${BOOT('t')} as boot, t.status, count(*) as n ${fromWhere} group by 1, 2`;

/** Hardware everywhere but the hardware listing and details: the platform, else the first compatible string. */
const PLATFORM = `coalesce(t.environment_misc ->> 'platform', t.environment_compatible[1])`;

/** $1 from, $2 to, $3 origin, $4 tag, $5 limit, $6 offset. */
export const TREES_SQL = `
with latest as (
  select distinct on (c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch)
    c.id, c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.git_commit_hash,
    c.git_commit_name, c.git_commit_tags, c.patchset_hash, ${START('c')}
  from shared.kcidb_checkouts c
  where c.effective_start_time >= $1 and c.effective_start_time < $2
    and ($3::text is null or c.origin = $3)
    and ($4::text is null or c.git_commit_tags @> array[$4::text])
  order by c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.effective_start_time desc, c.id desc
), page as (
  select * from latest
  order by tree_name nulls last, git_repository_branch nulls last, origin, git_repository_url nulls last
  limit $5 offset $6
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
  from (${grouped('from shared.kcidb_builds b join shared.kcidb_tests t on t.build_id = b.id where b.checkout_id = p.id')}) g
) t on true
order by p.tree_name nulls last, p.git_repository_branch nulls last, p.origin, p.git_repository_url nulls last`;

/** $1 commit, $2 patchset, $3 origin, $4 from, $5 to, $6 limit, $7 offset. */
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
  from revision_builds b order by b.checkout_id, b.id limit $6 offset $7
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

/** The tests of [from, to) not covered by whole hours: counted from `kcidb_tests`. */
const rawHardwareCounts = (from: string, to: string) => `
  select t.hardware, t.platform, t.is_boot, t.status, count(*) as n
  from shared.kcidb_tests t
  where t.effective_start_time >= ${from} and t.effective_start_time < ${to}
    and ($3::text is null or t.origin = $3)
    and t.hardware is not null
  group by 1, 2, 3, 4`;

/** The first whole UTC hour at or after $1, and the start of the UTC hour holding $2. */
const FIRST_HOUR = `date_trunc('hour', $1::timestamptz + interval '1 hour' - interval '1 microsecond', 'UTC')`;
const LAST_HOUR = `date_trunc('hour', $2::timestamptz, 'UTC')`;

/**
 * $1 from, $2 to, $3 origin, $4 limit, $5 offset. The whole hours of the interval come
 * from `kcidb_hardware_rollups` (hourly counts kept by triggers); the partial hours at
 * either end are counted from the tests themselves (an index-only scan of the
 * effective_start_time index, which carries the generated `hardware`, `platform` and `is_boot`).
 */
export const HARDWARE_SQL = `
select g.hardware,
  coalesce(array_agg(distinct g.platform) filter (where g.platform is not null), '{}') as platforms,
  ${passFail('g.boot')} as boots,
  ${passFail('not g.boot')} as tests
from (
  select r.hardware, nullif(r.platform, '') as platform, r.is_boot as boot, nullif(r.status, '') as status, r.n
  from shared.kcidb_hardware_rollups r
  where r.hour >= ${FIRST_HOUR} and r.hour < ${LAST_HOUR}
    and ($3::text is null or r.origin = $3)
    and r.n <> 0
  union all
  ${rawHardwareCounts('$1', `least(${FIRST_HOUR}, $2)`)}
  union all
  ${rawHardwareCounts(`greatest(${LAST_HOUR}, ${FIRST_HOUR})`, '$2')}
) g(hardware, platform, boot, status, n)
group by g.hardware
order by g.hardware
limit $4 offset $5`;

/** $1 hardware, $2 from, $3 to, $4 origin, $5 limit, $6 offset. */
export const HARDWARE_RESULTS_SQL = `
with matched as (
  select t.id, t.build_id, t.origin, t.path, t.status, ${START('t')}, t.duration, t.log_url,
    t.environment_compatible, t.platform, t.is_boot
  from shared.kcidb_tests t
  where (t.environment_compatible @> array[$1::text] or t.environment_misc ->> 'platform' = $1)
    and t.effective_start_time >= $2 and t.effective_start_time < $3
    and ($4::text is null or t.origin = $4)
)
select
  (select json_build_object('boots', ${passFail('g.boot')}, 'tests', ${passFail('not g.boot')})
     from (select t.is_boot as boot, t.status, count(*) as n from matched t group by 1, 2) g) as summary,
  (select coalesce(json_agg(x order by x.start_time desc, x.id desc), '[]'::json) from (
     select m.id, m.build_id, m.origin, m.path, m.status, m.start_time, m.start_time_source, m.duration, m.log_url,
       m.environment_compatible, m.platform, b.architecture, b.config_name, b.compiler, b.checkout_id, c.tree_name, c.git_repository_branch,
       c.git_commit_hash
     from matched m
     left join shared.kcidb_builds b on b.id = m.build_id
     left join shared.kcidb_checkouts c on c.id = b.checkout_id
     order by m.start_time desc, m.id desc limit $5 offset $6
   ) x) as items`;

/** $1 path, $2 from, $3 to, $4 origin, $5 platform, $6 config, $7 branch, $8 tree, $9 limit, $10 offset. */
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
order by t.effective_start_time desc, t.id desc
limit $9 offset $10`;

/** $1 build id, $2 prefix, $3 origin, $4 from, $5 to, $6 limit, $7 offset. */
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
  group by 1, 2, 3
) g
group by g.path, g.depth
order by g.path collate "C"
limit $6 offset $7`;
