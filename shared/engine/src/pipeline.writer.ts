// Writes pipelines and what they run: steps, edges, groups, targets and the links
// between them; and the status changes the engine decides. All SQL of the engine's
// writes is here, batched per kind.
import { isFinal, ITEM_KINDS, itemKindOfJob, type ItemKind, type Sql, type TargetStatus } from '@packflow/core';
import type { EdgeState, PipelineState, StepState, TargetState } from './engine.types.js';
import type { Transition } from './transitions.js';
import { pipelineStatus, stepStatus } from './transitions.js';

/** A target of a new step: a fresh row (with its attempt) or an existing row linked as it is. */
export type TargetSpec = { name: string; attempt: number; reuseId?: undefined } | { name: string; reuseId: string };

export interface StepSpec {
  key: string;
  job: string;
  package: string | null;
  identifier: string | null;
  options: Record<string, unknown>;
  rerunOf?: string | null;
  /** Link this existing group instead of creating one (reruns that share it). */
  groupId?: string | null;
  targets: TargetSpec[];
}

export interface PipelineSpec {
  projectId: string;
  commitId: string;
  eventId: string | null;
  trigger: string;
  strategy: 'supersede' | 'independent';
  rerunOf?: string | null;
  rerunKind?: string | null;
  steps: StepSpec[];
  /** Edges by step key. */
  edges: Array<{ from: string; to: string; target: string | null }>;
}

const one = async (sql: Sql, text: string, params: unknown[]): Promise<string> =>
  String((await sql.query<{ id: string }>(text, params)).rows[0].id);

/** Creates the pipeline rows; returns the pipeline id. Steps must come in dependency order. */
export async function insertPipeline(sql: Sql, spec: PipelineSpec): Promise<string> {
  const pipelineId = await one(
    sql,
    `insert into shared.pipelines (project_id, commit_id, event_id, trigger, strategy, rerun_of_id, rerun_kind)
     values ($1, $2, $3, $4, $5, $6, $7) returning id`,
    [
      spec.projectId,
      spec.commitId,
      spec.eventId,
      spec.trigger,
      spec.strategy,
      spec.rerunOf ?? null,
      spec.rerunKind ?? null,
    ],
  );
  const { rows } = await sql.query<{ id: string; key: string }>(
    `insert into shared.pipeline_steps (pipeline_id, key, job, package, identifier, options, rerun_of_id)
     select $1, s.key, s.job, s.package, s.identifier, s.options, s.rerun_of
       from jsonb_to_recordset($2::jsonb) as s(key text, job text, package text, identifier text, options jsonb, rerun_of bigint)
     returning id, key`,
    [pipelineId, JSON.stringify(spec.steps.map((s) => ({ ...s, rerun_of: s.rerunOf ?? null, targets: undefined })))],
  );
  const stepIds = new Map(rows.map((r) => [r.key, String(r.id)]));
  if (spec.edges.length > 0) {
    await sql.query(
      `insert into shared.pipeline_step_edges (from_step_id, to_step_id, target)
       select * from unnest($1::bigint[], $2::bigint[], $3::text[])`,
      [
        spec.edges.map((e) => stepIds.get(e.from)),
        spec.edges.map((e) => stepIds.get(e.to)),
        spec.edges.map((e) => e.target),
      ],
    );
  }
  const groups = new Map<string, { kind: ItemKind; id: string }>();
  for (const step of spec.steps) {
    const preds = spec.edges
      .filter((e) => e.to === step.key)
      .map((e) => groups.get(e.from))
      .filter(Boolean);
    groups.set(
      step.key,
      await insertItems(sql, stepIds.get(step.key)!, step, preds as Array<{ kind: ItemKind; id: string }>),
    );
  }
  return pipelineId;
}

async function insertGroup(
  sql: Sql,
  kind: ItemKind,
  step: StepSpec,
  preds: Array<{ kind: ItemKind; id: string }>,
): Promise<string> {
  const srpm = preds.find((p) => p.kind === 'srpm_build')?.id ?? null;
  const copr = preds.find((p) => p.kind === 'copr_build')?.id ?? null;
  const opt = (k: string) => (typeof step.options[k] === 'string' ? (step.options[k] as string) : null);
  switch (kind) {
    case 'copr_build':
      return one(
        sql,
        `insert into upstream.copr_builds (srpm_build_id, owner, project_name) values ($1, $2, $3) returning id`,
        [srpm, opt('owner'), opt('project')],
      );
    case 'tests':
      return one(sql, `insert into upstream.test_runs (copr_build_id) values ($1) returning id`, [copr]);
    case 'koji_build':
      return one(sql, `insert into upstream.koji_builds (srpm_build_id, scratch) values ($1, $2) returning id`, [
        srpm,
        step.options.scratch === true,
      ]);
    default:
      return one(sql, `insert into upstream.job_runs (job) values ($1) returning id`, [step.job]);
  }
}

async function insertItems(sql: Sql, stepId: string, step: StepSpec, preds: Array<{ kind: ItemKind; id: string }>) {
  const kind = itemKindOfJob(step.job);
  const k = ITEM_KINDS[kind];
  const fresh = step.targets.filter((t): t is { name: string; attempt: number } => t.reuseId === undefined);
  const reused = step.targets.flatMap((t) => (t.reuseId !== undefined ? [t.reuseId] : []));

  if (!k.groupTable) {
    // Group-less (SRPM): the step links its one item.
    const itemId =
      reused[0] ??
      (await one(sql, `insert into ${k.targetTable} (target, attempt) values ($1, $2) returning id`, [
        fresh[0].name,
        fresh[0].attempt,
      ]));
    await sql.query(`insert into ${k.groupLinkTable} (step_id, ${k.groupLinkColumn}) values ($1, $2)`, [
      stepId,
      itemId,
    ]);
    return { kind, id: itemId };
  }
  const groupId = step.groupId ?? (await insertGroup(sql, kind, step, preds));
  await sql.query(`insert into ${k.groupLinkTable} (step_id, ${k.groupLinkColumn}) values ($1, $2)`, [stepId, groupId]);
  let ids = reused;
  if (fresh.length > 0) {
    const { rows } = await sql.query<{ id: string }>(
      `insert into ${k.targetTable} (${k.groupColumn}, target, attempt)
       select $1, * from unnest($2::text[], $3::int[]) returning id`,
      [groupId, fresh.map((t) => t.name), fresh.map((t) => t.attempt)],
    );
    ids = ids.concat(rows.map((r) => String(r.id)));
  }
  await sql.query(`insert into ${k.targetLinkTable} (step_id, ${k.targetLinkColumn}) select $1, unnest($2::bigint[])`, [
    stepId,
    ids,
  ]);
  return { kind, id: groupId };
}

/** Writes queue/skip transitions, batched per kind. `leaseMs` is how long a queued target waits for its submit. */
export async function writeTransitions(sql: Sql, transitions: Transition[], leaseMs: number): Promise<void> {
  for (const kind of Object.keys(ITEM_KINDS) as ItemKind[]) {
    const table = ITEM_KINDS[kind].targetTable;
    const queued = transitions.filter((t) => t.to === 'queued' && t.target.kind === kind);
    const skipped = transitions.filter((t) => t.to === 'skipped' && t.target.kind === kind);
    if (queued.length > 0) {
      await sql.query(
        `update ${table} t set status = 'queued', idempotency_key = u.key, queued_at = now(), updated_at = now(),
                deadline_at = now() + make_interval(secs => $3::double precision / 1000)
           from unnest($1::bigint[], $2::text[]) as u(id, key)
          where t.id = u.id and t.status = 'pending'`,
        [queued.map((t) => t.target.id), queued.map((t) => t.target.idempotencyKey), leaseMs],
      );
    }
    if (skipped.length > 0) {
      await sql.query(
        `update ${table} t set status = 'skipped', reason = u.reason, finished_at = now(), updated_at = now()
           from unnest($1::bigint[], $2::text[]) as u(id, reason)
          where t.id = u.id and t.status = 'pending'`,
        [skipped.map((t) => t.target.id), skipped.map((t) => t.reason ?? null)],
      );
    }
  }
}

/** Writes the statuses of steps and the pipeline derived from the (updated) state. */
export async function writeStatuses(sql: Sql, state: PipelineState): Promise<TargetStatus> {
  const steps = state.steps.map((s) => ({ id: s.id, status: stepStatus(s) }));
  await sql.query(
    `update shared.pipeline_steps s set status = u.status, updated_at = now()
       from unnest($1::bigint[], $2::text[]) as u(id, status)
      where s.id = u.id and s.status is distinct from u.status`,
    [steps.map((s) => s.id), steps.map((s) => s.status)],
  );
  const status = pipelineStatus(state);
  await sql.query(
    `update shared.pipelines set status = $2, updated_at = now(),
            finished_at = case when $3 then coalesce(finished_at, now()) else null end
      where id = $1`,
    [state.id, status, isFinal(status)],
  );
  return status;
}

/** Marks targets cancelled (only those not yet final). Returns the rows that changed. */
export async function cancelTargets(sql: Sql, targets: TargetState[], reason: string): Promise<string[]> {
  const changed: string[] = [];
  for (const kind of Object.keys(ITEM_KINDS) as ItemKind[]) {
    const ids = targets.filter((t) => t.kind === kind).map((t) => t.id);
    if (ids.length === 0) continue;
    const { rows } = await sql.query<{ id: string }>(
      `update ${ITEM_KINDS[kind].targetTable} set status = 'cancelled', reason = $2, finished_at = now(), updated_at = now()
        where id = any($1::bigint[]) and status not in ('success', 'failure', 'error', 'skipped', 'cancelled')
        returning id`,
      [ids, reason],
    );
    changed.push(...rows.map((r) => `${kind}:${r.id}`));
  }
  return changed;
}

export type { EdgeState, StepState };
