// KCIDB tables filled in bulk with SQL (a benchmark data set, not the ingest path): 48
// checkouts a day (3 origins x 16 tree/branches), 12 builds each, their tests on 40
// hardware (the even tests list two compatible strings, the odd ones name a platform),
// each day's tests within the last two hours before that day's "now", so the newest day
// fills the current hour. `days` [fromDay, fromDay + days) before now; ids carry `prefix`,
// so a later call can add older history beside the first.
import type { Database } from '@packflow/core';

export interface FillOptions {
  tests: number;
  /** Of `tests`, how many go into the current UTC hour (spread from its start until now), as a busy hour. */
  currentHour?: number;
  fromDay: number;
  days: number;
  prefix: string;
}

const CHECKOUTS_PER_DAY = 3 * 16;
const BUILDS_PER_CHECKOUT = 12;

export async function fillKcidb(db: Database, o: FillOptions): Promise<void> {
  const checkouts = o.days * CHECKOUTS_PER_DAY;
  const builds = checkouts * BUILDS_PER_CHECKOUT;
  const hourTests = o.currentHour ?? 0;
  const spread = o.tests - hourTests;
  const testsPerBuild = Math.ceil(spread / builds);
  const p = o.prefix;
  // checkout c: origin c % 3, day fromDay + c / 48; build b: checkout b / 12.
  await db.query(
    `insert into shared.kcidb_checkouts (id, origin, tree_name, git_repository_url, git_repository_branch, git_commit_hash, patchset_hash, start_time, git_commit_tags)
     select 'o' || (i % 3) || ':${p}c' || i, 'o' || (i % 3), 'tree' || ((i / 3) % 8), 'https://git.example.org/tree' || ((i / 3) % 8) || '.git',
       case when (i / 24) % 2 = 0 then 'master' else 'next' end, md5('${p}' || i) || left(md5('${p}' || (i + 1)), 8), '',
       now() - make_interval(days => $3 + i / $2) - make_interval(mins => i % $2), array['v${p}' || i]
     from generate_series(0, $1 - 1) i`,
    [checkouts, CHECKOUTS_PER_DAY, o.fromDay],
  );
  await db.query(
    `insert into shared.kcidb_builds (id, checkout_id, origin, architecture, config_name, status, start_time)
     select 'o' || ((i / $2) % 3) || ':${p}b' || i, 'o' || ((i / $2) % 3) || ':${p}c' || (i / $2), 'o' || ((i / $2) % 3),
       (array['x86_64','arm64','riscv'])[1 + i % 3], (array['defconfig','allmodconfig','tinyconfig','kselftest'])[1 + i % 4],
       (array['PASS','PASS','PASS','FAIL','ERROR'])[1 + (i % 5)], now() - make_interval(days => $3 + (i / $2) / $4)
     from generate_series(0, $1 - 1) i`,
    [builds, BUILDS_PER_CHECKOUT, o.fromDay, CHECKOUTS_PER_DAY],
  );
  // In statements of at most a million tests (the rollup trigger aggregates each statement).
  const CHUNK = 1_000_000;
  for (let first = 0; first < spread; first += CHUNK) {
    await db.query(
      `insert into shared.kcidb_tests (id, build_id, origin, path, status, start_time, environment_compatible, environment_misc, duration)
       select 'o' || ((b / $2) % 3) || ':${p}t' || i, 'o' || ((b / $2) % 3) || ':${p}b' || b, 'o' || ((b / $2) % 3),
         (array['boot','boot.start','boot.login','ltp.sem01','ltp.sem02','ltp.fs.read','kselftest.net.ip','kselftest.timers.sleep'])[1 + i % 8]
           || case when i % 3 = 0 then '.case' || (i % 50) else '' end,
         (array['PASS','PASS','PASS','PASS','FAIL','SKIP','ERROR','DONE','MISS'])[1 + floor(random() * 9)::int],
         now() - make_interval(days => $4 + (b / $2) / $3) - make_interval(mins => ((b / $2) % $3) + (i % $1)),
         case when i % 2 = 0 then array['acme,board-' || (i % 40), 'acme,soc-' || (i % 4)] end,
         case when i % 2 = 1 then jsonb_build_object('platform', 'platform-' || (i % 40)) end,
         random() * 100
       from (select i, i / $1 as b from generate_series($5::int, $6::int) i) s`,
      [testsPerBuild, BUILDS_PER_CHECKOUT, CHECKOUTS_PER_DAY, o.fromDay, first, Math.min(spread, first + CHUNK) - 1],
    );
  }
  // The busy current hour: on the newest checkout's builds, from the hour's start until now.
  if (hourTests > 0) {
    await db.query(
      `insert into shared.kcidb_tests (id, build_id, origin, path, status, start_time, environment_compatible, environment_misc, duration)
       select 'o0:${p}n' || i, 'o0:${p}b' || (i % $2), 'o0',
         (array['boot','boot.start','boot.login','ltp.sem01','ltp.sem02','ltp.fs.read','kselftest.net.ip','kselftest.timers.sleep'])[1 + i % 8],
         (array['PASS','PASS','PASS','PASS','FAIL','SKIP','ERROR','DONE','MISS'])[1 + floor(random() * 9)::int],
         date_trunc('hour', now(), 'UTC') + (now() - date_trunc('hour', now(), 'UTC')) * (i::float8 / $1),
         case when i % 2 = 0 then array['acme,board-' || (i % 40), 'acme,soc-' || (i % 4)] end,
         case when i % 2 = 1 then jsonb_build_object('platform', 'platform-' || (i % 40)) end,
         random() * 100
       from generate_series(0, $1 - 1) i`,
      [hourTests, BUILDS_PER_CHECKOUT],
    );
  }
}

/**
 * Runs `load` with the secondary indexes of kcidb_tests dropped, then builds them again:
 * how a bulk import of history is done, and minutes faster than inserting through them.
 */
export async function withTestIndexesRebuilt(db: Database, load: () => Promise<void>): Promise<void> {
  const { rows } = await db.query<{ name: string; def: string }>(
    `select indexname as name, indexdef as def from pg_indexes
      where schemaname = 'shared' and tablename = 'kcidb_tests' and indexname <> 'kcidb_tests_pkey'`,
  );
  for (const r of rows) await db.query(`drop index shared."${r.name}"`);
  await load();
  const client = await db.connect();
  try {
    await client.query(`set maintenance_work_mem = '512MB'`);
    for (const r of rows) await client.query(r.def);
  } finally {
    client.release();
  }
}
