// A large synthetic KCIDB data set written straight into the tables (not through ingest),
// for plan checks: results over `days` days before `now`, 3 origins, 16 tree/branches,
// 12 builds per checkout, 40 boards (half named by compatible, half by platform).
import type { Sql } from '@packflow/core';

export async function fillSample(sql: Sql, options: { tests: number; days: number; now: Date }): Promise<void> {
  const checkoutsPerDay = 48;
  const checkouts = options.days * checkoutsPerDay;
  const buildsPerCheckout = 12;
  const builds = checkouts * buildsPerCheckout;
  const testsPerBuild = Math.ceil(options.tests / builds);
  const now = options.now.toISOString();
  await sql.query('select setseed(0.42)');
  await sql.query(
    `insert into shared.kcidb_checkouts (id, origin, tree_name, git_repository_url, git_repository_branch, git_commit_hash, patchset_hash, start_time, git_commit_tags)
     select 'o' || (i % 3) || ':c' || i, 'o' || (i % 3), 'tree' || ((i / 3) % 8), 'https://git.example.org/tree' || ((i / 3) % 8) || '.git',
       case when (i / 24) % 2 = 0 then 'master' else 'next' end, md5(i::text) || left(md5((i + 1)::text), 8), '',
       $3::timestamptz - make_interval(days => i / $2) - make_interval(mins => i % $2), array['v' || i]
     from generate_series(0, $1 - 1) i`,
    [checkouts, checkoutsPerDay, now],
  );
  await sql.query(
    `insert into shared.kcidb_builds (id, checkout_id, origin, architecture, config_name, status, start_time)
     select 'o' || ((i / $2) % 3) || ':b' || i, 'o' || ((i / $2) % 3) || ':c' || (i / $2), 'o' || ((i / $2) % 3),
       (array['x86_64','arm64','riscv'])[1 + i % 3], (array['defconfig','allmodconfig','tinyconfig','kselftest'])[1 + i % 4],
       (array['PASS','PASS','PASS','FAIL','ERROR'])[1 + (i % 5)], $3::timestamptz - make_interval(days => (i / $2) / 48)
     from generate_series(0, $1 - 1) i`,
    [builds, buildsPerCheckout, now],
  );
  await sql.query(
    `insert into shared.kcidb_tests (id, build_id, origin, path, status, start_time, environment_compatible, environment_misc, duration)
     select 'o' || (b % 3) || ':t' || i, 'o' || ((b / $3) % 3) || ':b' || b, 'o' || ((b / $3) % 3),
       (array['boot','boot.start','boot.login','ltp.sem01','ltp.sem02','ltp.fs.read','kselftest.net.ip','kselftest.timers.sleep'])[1 + i % 8]
         || case when i % 3 = 0 then '.case' || (i % 50) else '' end,
       (array['PASS','PASS','PASS','PASS','FAIL','SKIP','ERROR','DONE','MISS'])[1 + floor(random() * 9)::int],
       $5::timestamptz - make_interval(days => (b / $3) / $4) - make_interval(mins => ((b / $3) % $4) + (i % $2)),
       case when i % 2 = 0 then array['acme,board-' || (i % 40), 'acme,soc-' || (i % 4)] end,
       case when i % 2 = 1 then jsonb_build_object('platform', 'platform-' || (i % 40)) end,
       random() * 100
     from (select i, i / $2 as b from generate_series(0, $1 - 1) i) s`,
    [options.tests, testsPerBuild, buildsPerCheckout, checkoutsPerDay, now],
  );
  await sql.query(
    'analyze shared.kcidb_checkouts, shared.kcidb_builds, shared.kcidb_tests, shared.kcidb_build_rollups, shared.kcidb_hardware_rollups',
  );
}
