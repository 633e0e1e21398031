// Realistic pipeline rows for repository and engine tests: a pull request pipeline
// SRPM -> Copr build (N chroots) -> tests (one per chroot), and a rerun pipeline that
// reuses the SRPM and all chroot builds but one, redoing that chroot and its test.
import type { Sql } from '@packflow/core';

export const CHROOTS = [
  'fedora-40-x86_64',
  'fedora-41-x86_64',
  'fedora-42-x86_64',
  'fedora-rawhide-x86_64',
  'epel-9-x86_64',
  'centos-stream-10-x86_64',
];

export interface SeededScenario {
  projectId: string;
  commitId: string;
  eventId: string;
  rerunEventId: string;
  pipelineId: string;
  rerunPipelineId: string;
  /** Step ids by job, for each pipeline. */
  steps: Record<'srpm' | 'copr' | 'tests', string>;
  rerunSteps: Record<'srpm' | 'copr' | 'tests', string>;
  srpmBuildId: string;
  coprBuildId: string;
  testRunId: string;
  /** Chroot -> copr build target id (first attempt). */
  coprTargets: Record<string, string>;
  testTargets: Record<string, string>;
  redoneChroot: string;
  redoneCoprTargetId: string;
  redoneTestTargetId: string;
}

const one = async (sql: Sql, text: string, params: unknown[] = []): Promise<string> =>
  String((await sql.query<{ id: string }>(`${text} returning id`, params)).rows[0].id);

async function step(
  sql: Sql,
  pipelineId: string,
  key: string,
  job: string,
  status: string,
  at: Date,
  rerunOf?: string,
) {
  return one(
    sql,
    `insert into shared.pipeline_steps (pipeline_id, key, job, package, status, rerun_of_id, created_at, updated_at)
     values ($1, $2, $3, 'hello', $4, $5, $6, $6)`,
    [pipelineId, key, job, status, rerunOf ?? null, at],
  );
}

async function target(
  sql: Sql,
  table: string,
  groupColumn: string | null,
  groupId: string | null,
  name: string,
  attempt: number,
  status: string,
  at: Date,
  ext: string,
) {
  const cols = groupColumn ? `${groupColumn}, ` : '';
  const vals = groupColumn ? '$7, ' : '';
  const params: unknown[] = [name, attempt, status, at, ext, status === 'skipped' ? `build ${name} failed` : null];
  if (groupColumn) params.push(groupId);
  return one(
    sql,
    `insert into upstream.${table} (${cols}target, attempt, status, created_at, updated_at, external_id, reason, finished_at)
     values (${vals}$1, $2, $3, $4, $4, $5, $6, $4)`,
    params,
  );
}

/** Seeds the scenario; `failedChroot` fails (and its test is skipped) in the first pipeline. */
export async function seedPipelineScenario(
  sql: Sql,
  options: { chroots?: string[]; failedChroot?: string; repo?: string } = {},
): Promise<SeededScenario> {
  const chroots = options.chroots ?? CHROOTS;
  const redone = options.failedChroot ?? chroots[3];
  const t0 = new Date('2026-11-01T10:00:00Z');
  const t1 = new Date('2026-11-01T11:00:00Z');

  const projectId = await one(
    sql,
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1)`,
    [options.repo ?? 'hello-world'],
  );
  const refId = await one(
    sql,
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '42')`,
    [projectId],
  );
  const commitId = await one(sql, `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3)`, [
    projectId,
    refId,
    'a'.repeat(40),
  ]);
  const eventId = await one(
    sql,
    `insert into shared.events (source, type, delivery_id, actor, project_id, ref_id, commit_id, payload, received_at)
     values ('github', 'pull_request.opened', $4, 'maintainer', $1, $2, $3, '{}', $5)`,
    [projectId, refId, commitId, `delivery-${projectId}-1`, t0],
  );
  const rerunEventId = await one(
    sql,
    `insert into shared.events (source, type, delivery_id, actor, project_id, ref_id, commit_id, payload, received_at)
     values ('github', 'issue_comment.created', $4, 'maintainer', $1, $2, $3, '{"command": "rebuild-failed"}', $5)`,
    [projectId, refId, commitId, `delivery-${projectId}-2`, t1],
  );

  // First pipeline.
  const pipelineId = await one(
    sql,
    `insert into shared.pipelines (project_id, event_id, commit_id, trigger, strategy, status, created_at, updated_at, finished_at)
     values ($1, $2, $3, 'pull_request', 'supersede', 'failure', $4, $4, $4)`,
    [projectId, eventId, commitId, t0],
  );
  const steps = {
    srpm: await step(sql, pipelineId, 'srpm_build:hello', 'srpm_build', 'success', t0),
    copr: await step(sql, pipelineId, 'copr_build:hello', 'copr_build', 'failure', t0),
    tests: await step(sql, pipelineId, 'tests:hello', 'tests', 'skipped', t0),
  };
  await sql.query(`insert into shared.pipeline_step_edges (from_step_id, to_step_id, target) values ($1, $2, null)`, [
    steps.srpm,
    steps.copr,
  ]);
  for (const c of chroots) {
    await sql.query(`insert into shared.pipeline_step_edges (from_step_id, to_step_id, target) values ($1, $2, $3)`, [
      steps.copr,
      steps.tests,
      c,
    ]);
  }
  const srpmBuildId = await target(
    sql,
    'srpm_builds',
    null,
    null,
    'srpm-builds',
    1,
    'success',
    t0,
    `srpm-${projectId}`,
  );
  await sql.query(`insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id) values ($1, $2)`, [
    steps.srpm,
    srpmBuildId,
  ]);
  const coprBuildId = await one(
    sql,
    `insert into upstream.copr_builds (srpm_build_id, owner, project_name, created_at) values ($1, 'packit', 'packit-hello-world-42', $2)`,
    [srpmBuildId, t0],
  );
  const testRunId = await one(sql, `insert into upstream.test_runs (copr_build_id, created_at) values ($1, $2)`, [
    coprBuildId,
    t0,
  ]);
  await sql.query(`insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id) values ($1, $2)`, [
    steps.copr,
    coprBuildId,
  ]);
  await sql.query(`insert into upstream.pipeline_step_test_runs (step_id, test_run_id) values ($1, $2)`, [
    steps.tests,
    testRunId,
  ]);
  const coprTargets: Record<string, string> = {};
  const testTargets: Record<string, string> = {};
  for (const c of chroots) {
    const failed = c === redone;
    coprTargets[c] = await target(
      sql,
      'copr_build_targets',
      'copr_build_id',
      coprBuildId,
      c,
      1,
      failed ? 'failure' : 'success',
      t0,
      `copr-${projectId}-1`,
    );
    testTargets[c] = await target(
      sql,
      'test_run_targets',
      'test_run_id',
      testRunId,
      c,
      1,
      failed ? 'skipped' : 'success',
      t0,
      `tf-${projectId}-${c}-1`,
    );
    await sql.query(
      `insert into upstream.pipeline_step_copr_build_targets (step_id, copr_build_target_id) values ($1, $2)`,
      [steps.copr, coprTargets[c]],
    );
    await sql.query(
      `insert into upstream.pipeline_step_test_run_targets (step_id, test_run_target_id) values ($1, $2)`,
      [steps.tests, testTargets[c]],
    );
  }

  // Rerun of the failed chroot: same groups, reused targets, one new attempt each.
  const rerunPipelineId = await one(
    sql,
    `insert into shared.pipelines (project_id, event_id, commit_id, trigger, strategy, status, rerun_of_id, rerun_kind, created_at, updated_at, finished_at)
     values ($1, $2, $3, 'pull_request', 'supersede', 'success', $4, 'failed', $5, $5, $5)`,
    [projectId, rerunEventId, commitId, pipelineId, t1],
  );
  const rerunSteps = {
    srpm: await step(sql, rerunPipelineId, 'srpm_build:hello', 'srpm_build', 'success', t1, steps.srpm),
    copr: await step(sql, rerunPipelineId, 'copr_build:hello', 'copr_build', 'success', t1, steps.copr),
    tests: await step(sql, rerunPipelineId, 'tests:hello', 'tests', 'success', t1, steps.tests),
  };
  await sql.query(`insert into shared.pipeline_step_edges (from_step_id, to_step_id, target) values ($1, $2, null)`, [
    rerunSteps.srpm,
    rerunSteps.copr,
  ]);
  for (const c of chroots) {
    await sql.query(`insert into shared.pipeline_step_edges (from_step_id, to_step_id, target) values ($1, $2, $3)`, [
      rerunSteps.copr,
      rerunSteps.tests,
      c,
    ]);
  }
  await sql.query(`insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id) values ($1, $2)`, [
    rerunSteps.srpm,
    srpmBuildId,
  ]);
  await sql.query(`insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id) values ($1, $2)`, [
    rerunSteps.copr,
    coprBuildId,
  ]);
  await sql.query(`insert into upstream.pipeline_step_test_runs (step_id, test_run_id) values ($1, $2)`, [
    rerunSteps.tests,
    testRunId,
  ]);
  const redoneCoprTargetId = await target(
    sql,
    'copr_build_targets',
    'copr_build_id',
    coprBuildId,
    redone,
    2,
    'success',
    t1,
    `copr-${projectId}-2`,
  );
  const redoneTestTargetId = await target(
    sql,
    'test_run_targets',
    'test_run_id',
    testRunId,
    redone,
    2,
    'success',
    t1,
    `tf-${projectId}-${redone}-2`,
  );
  for (const c of chroots) {
    const coprTarget = c === redone ? redoneCoprTargetId : coprTargets[c];
    const testTarget = c === redone ? redoneTestTargetId : testTargets[c];
    await sql.query(
      `insert into upstream.pipeline_step_copr_build_targets (step_id, copr_build_target_id) values ($1, $2)`,
      [rerunSteps.copr, coprTarget],
    );
    await sql.query(
      `insert into upstream.pipeline_step_test_run_targets (step_id, test_run_target_id) values ($1, $2)`,
      [rerunSteps.tests, testTarget],
    );
  }

  return {
    projectId,
    commitId,
    eventId,
    rerunEventId,
    pipelineId,
    rerunPipelineId,
    steps,
    rerunSteps,
    srpmBuildId,
    coprBuildId,
    testRunId,
    coprTargets,
    testTargets,
    redoneChroot: redone,
    redoneCoprTargetId,
    redoneTestTargetId,
  };
}

/** Wraps a connection so a test can count the statements a call issued. */
export function countingSql(inner: Sql): Sql & { count: number; texts: string[] } {
  const wrapper = {
    count: 0,
    texts: [] as string[],
    query(textOrConfig: string | { text: string }, params?: unknown[]) {
      wrapper.count++;
      wrapper.texts.push(typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text);
      return typeof textOrConfig === 'string' ? inner.query(textOrConfig, params) : inner.query(textOrConfig as never);
    },
  };
  return wrapper as Sql & { count: number; texts: string[] };
}
