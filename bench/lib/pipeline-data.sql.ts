// Production-shaped pipelines, generated in SQL (a benchmark data set, not test data):
// per pipeline an SRPM build, a Copr build with 6 or 7 chroots (6.4 on average), one
// tests step per chroot build and for 26% a second tests step (1.26 test runs per
// Copr build); every 10th pipeline is a rerun of the one before that shares its SRPM
// build and all chroots but one, which it redoes with its test. Ids are computed, so
// each chunk is a few set-based statements. Rows go in in pipeline order (`order by`), as
// the engine writes them: a pipeline's edges in one statement, a step's targets in one, so
// each lies on a page or two; without it a pipeline's test targets and edges lay on 15
// pages each, a layout no reader meets in production.
export const CHROOTS = [
  'fedora-40-x86_64',
  'fedora-41-x86_64',
  'fedora-42-x86_64',
  'fedora-rawhide-x86_64',
  'epel-9-x86_64',
  'centos-stream-10-x86_64',
  'fedora-41-aarch64',
];

/** Statements generating pipelines [$1, $2] (inclusive); run them in order. */
export function pipelineChunkSql(): string[] {
  const chroots = `array[${CHROOTS.map((c) => `'${c}'`).join(',')}]`;
  // n(i) chroots; rerun(i) when i % 10 = 0 and i > 1; two test steps when i % 100 < 26.
  const n = '(6 + case when i % 5 < 2 then 1 else 0 end)';
  const isRerun = '(i % 10 = 0 and i > 1)';
  const twoTests = '(i % 100 < 26)';
  return [
    `insert into shared.project_refs (id, project_id, kind, name) select i, i % 100 + 1, 'pull_request', i::text from generate_series($1::int, $2::int) i`,
    `insert into shared.commits (id, project_id, ref_id, sha) select i, i % 100 + 1, case when ${isRerun} then i - 1 else i end, md5(i::text) || '00000000' from generate_series($1::int, $2::int) i`,
    `insert into shared.events (id, source, type, delivery_id, project_id, ref_id, commit_id, payload)
       select i, 'github', 'pull_request.opened', 'bench-' || i, i % 100 + 1, i, i, '{}' from generate_series($1::int, $2::int) i`,
    `insert into shared.pipelines (id, project_id, event_id, commit_id, trigger, strategy, status, rerun_of_id, rerun_kind)
       select i, i % 100 + 1, i, case when ${isRerun} then i - 1 else i end, 'pull_request', 'supersede', 'success',
              case when ${isRerun} then i - 1 end, case when ${isRerun} then 'failed' end
         from generate_series($1::int, $2::int) i`,
    `insert into shared.pipeline_steps (id, pipeline_id, key, job, package, status)
       select i * 4 + s, i, k, j, 'pkg', 'success'
         from generate_series($1::int, $2::int) i,
              (values (0, 'srpm_build:pkg', 'srpm_build'), (1, 'copr_build:pkg', 'copr_build'),
                      (2, 'tests:pkg', 'tests'), (3, 'tests:pkg:extra', 'tests')) v(s, k, j)
        where s < 3 or ${twoTests}
        order by 1`,
    `insert into shared.pipeline_step_edges (from_step_id, to_step_id, target)
       select f, t, target from (
         select i, -1 as c, 0 as t2, i * 4 as f, i * 4 + 1 as t, null as target from generate_series($1::int, $2::int) i
         union all
         select i, c, t, i * 4 + 1, i * 4 + t, (${chroots})[c + 1]
           from generate_series($1::int, $2::int) i, generate_series(0, 6) c, generate_series(2, 3) t
          where c < ${n} and (t = 2 or ${twoTests})) e
        order by i, c, t2, t`,
    // Items: a rerun shares the SRPM build and the groups of the pipeline it reran.
    `insert into upstream.srpm_builds (id, target, status, external_id)
       select i, 'srpm-builds', 'success', 'srpm-' || i from generate_series($1::int, $2::int) i where not ${isRerun}`,
    `insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id)
       select i * 4, case when ${isRerun} then i - 1 else i end from generate_series($1::int, $2::int) i`,
    `insert into upstream.copr_builds (id, srpm_build_id, owner, project_name)
       select i, i, 'packit', 'pkg-' || i from generate_series($1::int, $2::int) i where not ${isRerun}`,
    `insert into upstream.copr_build_targets (id, copr_build_id, target, attempt, status, external_id)
       select i * 8 + c, i, (${chroots})[c + 1], 1, 'success', 'copr-' || i
         from generate_series($1::int, $2::int) i, generate_series(0, 6) c where not ${isRerun} and c < ${n}
       union all
       select i * 8 + 7, i - 1, (${chroots})[1], 2, 'success', 'copr-' || i
         from generate_series($1::int, $2::int) i where ${isRerun}
        order by 1`,
    `insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id)
       select i * 4 + 1, case when ${isRerun} then i - 1 else i end from generate_series($1::int, $2::int) i`,
    `insert into upstream.pipeline_step_copr_build_targets (step_id, copr_build_target_id)
       select i * 4 + 1, case when ${isRerun} then case when c = 0 then i * 8 + 7 else (i - 1) * 8 + c end else i * 8 + c end
         from generate_series($1::int, $2::int) i, generate_series(0, 6) c
        where c < case when ${isRerun} then (6 + case when (i - 1) % 5 < 2 then 1 else 0 end) else ${n} end
        order by 1, 2`,
    `insert into upstream.test_runs (id, copr_build_id)
       select i * 2 + t - 2, case when ${isRerun} then i - 1 else i end from generate_series($1::int, $2::int) i, generate_series(2, 3) t
        where t = 2 or ${twoTests}
        order by 1`,
    `insert into upstream.test_run_targets (id, test_run_id, target, attempt, status, external_id)
       select (i * 2 + t - 2) * 8 + c, i * 2 + t - 2, (${chroots})[c + 1], 1, 'success', 'tf-' || i || '-' || t || '-' || c
         from generate_series($1::int, $2::int) i, generate_series(2, 3) t, generate_series(0, 6) c
        where (t = 2 or ${twoTests}) and c < ${n}
        order by 1`,
    `insert into upstream.pipeline_step_test_runs (step_id, test_run_id)
       select i * 4 + t, i * 2 + t - 2 from generate_series($1::int, $2::int) i, generate_series(2, 3) t where t = 2 or ${twoTests}
        order by 1`,
    `insert into upstream.pipeline_step_test_run_targets (step_id, test_run_target_id)
       select i * 4 + t, (i * 2 + t - 2) * 8 + c
         from generate_series($1::int, $2::int) i, generate_series(2, 3) t, generate_series(0, 6) c
        where (t = 2 or ${twoTests}) and c < ${n}
        order by 1, 2`,
  ];
}

export const PROJECTS_SQL = `insert into shared.projects (id, forge, instance_url, namespace, repo)
  select p, 'github', 'https://github.com', 'org-' || p, 'repo-' || p from generate_series(1, 100) p`;

const TABLES_WITH_IDS = [
  'shared.projects',
  'shared.project_refs',
  'shared.commits',
  'shared.events',
  'shared.pipelines',
  'shared.pipeline_steps',
  'shared.pipeline_step_edges',
  'upstream.srpm_builds',
  'upstream.copr_builds',
  'upstream.copr_build_targets',
  'upstream.test_runs',
  'upstream.test_run_targets',
];

/** After explicit ids, move every sequence past them. */
export const resetSequencesSql = (): string[] =>
  TABLES_WITH_IDS.map(
    (t) => `select setval(pg_get_serial_sequence('${t}', 'id'), coalesce((select max(id) from ${t}), 0) + 1, false)`,
  );
