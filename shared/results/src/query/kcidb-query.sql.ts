// The SQL of the KCIDB queries, one statement each, kept in one file so that a change to a
// query shows in review. Parameters are `$n`; a filter whose parameter is null is off
// (PostgreSQL plans each call with its values, so an unused filter costs nothing).
import { SQL_SUMMARY_STATUS } from '../report/kcidb-status.js';

const BOOT = `(t.path = 'boot' or starts_with(t.path, 'boot.'))`;

/** `{"fail": n, "error": n, "miss": n, "pass": n, "done": n, "skip": n, "null": n, "total": n}` over rows matching `where`. */
export function statusCounts(status: string, where = 'true'): string {
  const count = (cond: string) => `count(*) filter (where ${where} and ${cond})::int`;
  return `json_build_object(${[
    ...['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'].map((s) => `'${s.toLowerCase()}', ${count(`${status} = '${s}'`)}`),
    `'null', ${count(`${status} is null`)}`,
    `'total', ${count('true')}`,
  ].join(', ')})`;
}

/** `{"pass": n, "fail": n, "inconclusive": n}`: anything but PASS and FAIL is inconclusive. */
function passFail(status: string, where: string): string {
  const count = (cond: string) => `count(*) filter (where ${where} and ${cond})::int`;
  return `json_build_object('pass', ${count(`${status} = 'PASS'`)}, 'fail', ${count(`${status} = 'FAIL'`)}, 'inconclusive', ${count(
    `${status} is distinct from 'PASS' and ${status} is distinct from 'FAIL'`,
  )})`;
}

/** Hardware as the listing and details name it: the first compatible string, else the platform. */
const HARDWARE = `coalesce(t.environment_compatible[1], t.environment_misc ->> 'platform')`;
/** Hardware everywhere else: the platform, else the first compatible string. */
const PLATFORM = `coalesce(t.environment_misc ->> 'platform', t.environment_compatible[1])`;

/** $1 from, $2 to, $3 origin, $4 tag, $5 limit, $6 offset. */
export const TREES_SQL = `
with latest as (
  select distinct on (c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch)
    c.id, c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.git_commit_hash,
    c.git_commit_name, c.git_commit_tags, c.patchset_hash, c.start_time
  from shared.kcidb_checkouts c
  where c.start_time >= $1 and c.start_time < $2
    and ($3::text is null or c.origin = $3)
    and ($4::text is null or c.git_commit_tags @> array[$4::text])
  order by c.origin, c.tree_name, c.git_repository_url, c.git_repository_branch, c.start_time desc, c.id desc
), page as (
  select * from latest
  order by tree_name nulls last, git_repository_branch nulls last, origin, git_repository_url nulls last
  limit $5 offset $6
)
select p.id as checkout_id, p.origin, p.tree_name, p.git_repository_url, p.git_repository_branch, p.git_commit_hash,
  p.git_commit_name, p.git_commit_tags, p.patchset_hash, p.start_time, b.builds, t.boots, t.tests
from page p
left join lateral (
  select ${statusCounts('b.status')} as builds from shared.kcidb_builds b where b.checkout_id = p.id
) b on true
left join lateral (
  select ${statusCounts('t.status', BOOT)} as boots, ${statusCounts('t.status', `not ${BOOT}`)} as tests
  from shared.kcidb_builds b join shared.kcidb_tests t on t.build_id = b.id
  where b.checkout_id = p.id
) t on true
order by p.tree_name nulls last, p.git_repository_branch nulls last, p.origin, p.git_repository_url nulls last`;

/** $1 commit, $2 patchset, $3 origin, $4 from, $5 to, $6 limit, $7 offset. */
export const REVISION_SQL = `
with revision as (
  select c.* from shared.kcidb_checkouts c
  where c.git_commit_hash = $1 and coalesce(c.patchset_hash, '') = $2
    and ($3::text is null or c.origin = $3)
    and ($4::timestamptz is null or c.start_time >= $4)
    and ($5::timestamptz is null or c.start_time < $5)
), revision_builds as (
  select b.* from shared.kcidb_builds b where b.checkout_id in (select id from revision)
), revision_tests as (
  select t.build_id, t.path, t.status from shared.kcidb_tests t where t.build_id in (select id from revision_builds)
), page as (
  select b.id, b.checkout_id, b.origin, b.architecture, b.config_name, b.compiler, b.status, b.start_time,
    b.duration, b.log_url
  from revision_builds b order by b.checkout_id, b.id limit $6 offset $7
)
select
  (select coalesce(json_agg(json_build_object(
      'id', r.id, 'origin', r.origin, 'tree_name', r.tree_name, 'git_repository_url', r.git_repository_url,
      'git_repository_branch', r.git_repository_branch, 'git_commit_name', r.git_commit_name,
      'git_commit_tags', r.git_commit_tags, 'start_time', r.start_time, 'valid', r.valid
    ) order by r.start_time, r.id), '[]'::json) from revision r) as checkouts,
  (select ${statusCounts('b.status')} from revision_builds b) as builds_summary,
  (select json_build_object('boots', ${statusCounts('t.status', BOOT)}, 'tests', ${statusCounts('t.status', `not ${BOOT}`)})
     from revision_tests t) as tests_summary,
  (select coalesce(json_agg(x order by x.checkout_id, x.id), '[]'::json) from (
     select p.*, s.boots, s.tests, s.test_status
     from page p left join lateral (
       select ${statusCounts('t.status', BOOT)} as boots, ${statusCounts('t.status', `not ${BOOT}`)} as tests,
         ${SQL_SUMMARY_STATUS('t.status')} as test_status
       from revision_tests t where t.build_id = p.id
     ) s on true
   ) x) as builds`;

/** $1 from, $2 to, $3 origin, $4 limit, $5 offset. */
export const HARDWARE_SQL = `
select ${HARDWARE} as hardware,
  coalesce(array_agg(distinct t.environment_misc ->> 'platform') filter (where t.environment_misc ->> 'platform' is not null), '{}') as platforms,
  ${passFail('t.status', BOOT)} as boots,
  ${passFail('t.status', `not ${BOOT}`)} as tests
from shared.kcidb_tests t
where t.start_time >= $1 and t.start_time < $2
  and ($3::text is null or t.origin = $3)
  and ${HARDWARE} is not null
group by 1
order by 1
limit $4 offset $5`;

/** $1 hardware, $2 from, $3 to, $4 origin, $5 limit, $6 offset. */
export const HARDWARE_RESULTS_SQL = `
with matched as (
  select t.id, t.build_id, t.origin, t.path, t.status, t.start_time, t.duration, t.log_url,
    t.environment_compatible, t.environment_misc ->> 'platform' as platform
  from shared.kcidb_tests t
  where (t.environment_compatible @> array[$1::text] or t.environment_misc ->> 'platform' = $1)
    and t.start_time >= $2 and t.start_time < $3
    and ($4::text is null or t.origin = $4)
)
select
  (select json_build_object('boots', ${passFail('t.status', BOOT)}, 'tests', ${passFail('t.status', `not ${BOOT}`)})
     from matched t) as summary,
  (select coalesce(json_agg(x order by x.start_time desc, x.id desc), '[]'::json) from (
     select m.*, b.architecture, b.config_name, b.compiler, b.checkout_id, c.tree_name, c.git_repository_branch,
       c.git_commit_hash
     from matched m
     left join shared.kcidb_builds b on b.id = m.build_id
     left join shared.kcidb_checkouts c on c.id = b.checkout_id
     order by m.start_time desc, m.id desc limit $5 offset $6
   ) x) as items`;

/** $1 path, $2 from, $3 to, $4 origin, $5 platform, $6 config, $7 branch, $8 tree, $9 limit, $10 offset. */
export const TEST_HISTORY_SQL = `
select t.id, t.status, t.start_time, t.duration, t.origin, t.log_url, ${PLATFORM} as platform,
  t.build_id, b.config_name, b.architecture, b.checkout_id, c.tree_name, c.git_repository_branch,
  c.git_commit_hash, c.git_commit_name
from shared.kcidb_tests t
left join shared.kcidb_builds b on b.id = t.build_id
left join shared.kcidb_checkouts c on c.id = b.checkout_id
where t.path = $1 and t.start_time >= $2 and t.start_time < $3
  and ($4::text is null or t.origin = $4)
  and ($5::text is null or ${PLATFORM} = $5)
  and ($6::text is null or b.config_name = $6)
  and ($7::text is null or c.git_repository_branch = $7)
  and ($8::text is null or c.tree_name = $8)
order by t.start_time desc, t.id desc
limit $9 offset $10`;

/** $1 build id, $2 prefix, $3 origin, $4 from, $5 to, $6 limit, $7 offset. */
export const PATH_ROLLUP_SQL = `
select p.path, p.depth, ${SQL_SUMMARY_STATUS('t.status')} as status, ${statusCounts('t.status')} as counts
from shared.kcidb_tests t
cross join lateral (
  select array_to_string(s.parts[1:n], '.') as path, n as depth
  from (select case when coalesce(t.path, '') = '' then '{}'::text[] else string_to_array(t.path, '.') end as parts) s
  cross join generate_series(0, coalesce(array_length(s.parts, 1), 0)) n
) p
where t.build_id = $1
  and ($3::text is null or t.origin = $3)
  and ($4::timestamptz is null or t.start_time >= $4)
  and ($5::timestamptz is null or t.start_time < $5)
  and (coalesce($2::text, '') = '' or p.path = $2 or starts_with(p.path, $2 || '.'))
group by p.path, p.depth
order by p.path collate "C"
limit $6 offset $7`;
