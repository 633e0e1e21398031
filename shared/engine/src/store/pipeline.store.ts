// Writes pipelines and what they run (steps, edges, groups, targets and the links
// between them) and the statuses of steps and pipelines; finds and locks the pipelines a
// decision touches. The tables of each item kind come from the ItemKinds the engine was
// created with: this store names no ecosystem's tables.
import { isFinal, type ItemKind, type ItemKinds, type Sql, type TargetStatus } from '@packflow/core';
import type { PipelineState, TargetState } from '../engine.types.js';
import { pipelineStatus, stepStatus } from '../transitions.js';

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
  /** The deployment that owns it (owner.scope.ts); a rerun without one keeps its original's. */
  owner?: string | null;
  steps: StepSpec[];
  /** Edges by step key. */
  edges: Array<{ from: string; to: string; target: string | null }>;
}

const LIVE = `p.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')`;

const one = async (sql: Sql, text: string, params: unknown[]): Promise<string> =>
  String((await sql.query<{ id: string }>(text, params)).rows[0].id);

export class PipelineStore {
  constructor(private readonly kinds: ItemKinds) {}

  /**
   * Creates the pipeline rows; returns the pipeline id, or undefined when the pipeline has
   * an event that already started one (a redelivered message: the unique constraint on
   * `event_id` decides, so two concurrent starts make one pipeline).
   */
  async insert(sql: Sql, spec: PipelineSpec): Promise<string | undefined> {
    const { rows: inserted } = await sql.query<{ id: string }>(
      `insert into shared.pipelines (project_id, commit_id, event_id, trigger, strategy, rerun_of_id, rerun_kind, owner)
       values ($1, $2, $3, $4, $5, $6, $7, coalesce($8::text, (select o.owner from shared.pipelines o where o.id = $6)))
       on conflict (event_id) where rerun_of_id is null do nothing
       returning id::text`,
      [
        spec.projectId,
        spec.commitId,
        spec.eventId,
        spec.trigger,
        spec.strategy,
        spec.rerunOf ?? null,
        spec.rerunKind ?? null,
        spec.owner ?? null,
      ],
    );
    if (inserted.length === 0) return undefined;
    const pipelineId = inserted[0].id;
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
      const predecessors: Record<ItemKind, string> = {};
      for (const e of spec.edges) {
        const group = e.to === step.key ? groups.get(e.from) : undefined;
        if (group) predecessors[group.kind] ??= group.id;
      }
      groups.set(step.key, await this.insertItems(sql, stepIds.get(step.key)!, step, predecessors));
    }
    return pipelineId;
  }

  private async insertGroup(
    sql: Sql,
    kind: ItemKind,
    step: StepSpec,
    predecessors: Record<ItemKind, string>,
  ): Promise<string> {
    const k = this.kinds.get(kind);
    const values = k.groupValues?.({ job: step.job, options: step.options, predecessors }) ?? {};
    const columns = Object.keys(values);
    if (columns.length === 0) return one(sql, `insert into ${k.groupTable} default values returning id`, []);
    for (const c of columns)
      if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`item kind ${kind}: ${c} is not a column name`);
    return one(
      sql,
      `insert into ${k.groupTable} (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning id`,
      Object.values(values),
    );
  }

  private async insertItems(
    sql: Sql,
    stepId: string,
    step: StepSpec,
    predecessors: Record<ItemKind, string>,
  ): Promise<{ kind: ItemKind; id: string }> {
    const k = this.kinds.ofJob(step.job);
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
      return { kind: k.kind, id: itemId };
    }
    const groupId = step.groupId ?? (await this.insertGroup(sql, k.kind, step, predecessors));
    await sql.query(`insert into ${k.groupLinkTable} (step_id, ${k.groupLinkColumn}) values ($1, $2)`, [
      stepId,
      groupId,
    ]);
    let ids = reused;
    if (fresh.length > 0) {
      const { rows } = await sql.query<{ id: string }>(
        `insert into ${k.targetTable} (${k.groupColumn}, target, attempt)
         select $1, * from unnest($2::text[], $3::int[]) returning id`,
        [groupId, fresh.map((t) => t.name), fresh.map((t) => t.attempt)],
      );
      ids = ids.concat(rows.map((r) => String(r.id)));
    }
    await sql.query(
      `insert into ${k.targetLinkTable} (step_id, ${k.targetLinkColumn}) select $1, unnest($2::bigint[])`,
      [stepId, ids],
    );
    return { kind: k.kind, id: groupId };
  }

  /** Writes the statuses of steps and the pipeline derived from the (updated) state. */
  async writeStatuses(sql: Sql, state: PipelineState): Promise<TargetStatus> {
    const steps = state.steps.map((s) => ({ id: s.id, status: stepStatus(s) }));
    const status = pipelineStatus(state);
    // One statement (one round trip) for the steps and the pipeline: a signal's transaction
    // is a dozen short statements, so each round trip saved is a share of its cost.
    await sql.query(
      `with steps as (
         update shared.pipeline_steps s set status = u.status, updated_at = now()
           from unnest($1::bigint[], $2::text[]) as u(id, status)
          where s.id = u.id and s.status is distinct from u.status
       )
       update shared.pipelines set status = $4, updated_at = now(),
              finished_at = case when $5 then coalesce(finished_at, now()) else null end
        where id = $3`,
      [steps.map((s) => s.id), steps.map((s) => s.status), state.id, status, isFinal(status)],
    );
    return status;
  }

  /** The pipeline an event started (not its reruns). */
  async startedBy(sql: Sql, eventId: string): Promise<string> {
    const { rows } = await sql.query<{ id: string }>(
      `select id::text from shared.pipelines where event_id = $1 and rerun_of_id is null`,
      [eventId],
    );
    return rows[0].id;
  }

  /** Locks these pipelines, in id order. */
  async lock(sql: Sql, pipelineIds: readonly string[]): Promise<void> {
    await sql.query(`select id from shared.pipelines where id = any($1::bigint[]) order by id for update`, [
      pipelineIds,
    ]);
  }

  /** Locks (in id order) every pipeline with a step that counts this target; returns their ids. */
  async lockCounting(sql: Sql, kind: ItemKind, targetId: string): Promise<string[]> {
    const link = this.kinds.targetLink(kind);
    const { rows } = await sql.query<{ id: string }>(
      `select p.id::text from shared.pipelines p
        where p.id in (select s.pipeline_id from shared.pipeline_steps s join ${link.table} l on l.step_id = s.id where l.${link.column} = $1)
        order by p.id for update`,
      [targetId],
    );
    return rows.map((r) => r.id);
  }

  /** The unfinished pipelines of a ref. */
  async liveOfRef(sql: Sql, projectId: string, refKind: string, refName: string): Promise<string[]> {
    const { rows } = await sql.query<{ id: string }>(
      `select p.id::text from shared.pipelines p join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
        where p.project_id = $1 and r.kind = $2 and r.name = $3 and ${LIVE}`,
      [projectId, refKind, refName],
    );
    return rows.map((r) => r.id);
  }

  /** Locks and returns the unfinished pipelines of older commits of the same ref as this commit. */
  async lockLiveOfOlderCommits(sql: Sql, commitId: string): Promise<string[]> {
    const { rows } = await sql.query<{ id: string }>(
      `select p.id::text from shared.pipelines p join shared.commits c on c.id = p.commit_id
        where c.ref_id = (select ref_id from shared.commits where id = $1)
          and c.sha <> (select sha from shared.commits where id = $1)
          and ${LIVE}
        order by p.id for update of p`,
      [commitId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * Why a rerun of this kind may not start now, or undefined: the pipeline was superseded
   * (a newer commit of its ref started a pipeline), or a rerun of it of the same kind is
   * still running. Reruns of a step or of some targets (`from-step`, `targets`) are told
   * apart by what they redo, not by their kind: several of them may run at once (a
   * "Re-run" on two chroots). Locks the pipeline first (its own statement, so the check after it sees
   * what a concurrent rerun committed meanwhile): two such reruns cannot both pass.
   */
  async rerunRefusal(sql: Sql, pipelineId: string, kind: string): Promise<string | undefined> {
    await sql.query(`select 1 from shared.pipelines where id = $1 for update`, [pipelineId]);
    const { rows } = await sql.query<{ superseded: boolean; running: string | null }>(
      `select exists (select 1 from shared.pipelines n join shared.commits nc on nc.id = n.commit_id
                       where p.strategy = 'supersede' and nc.ref_id = c.ref_id and nc.sha <> c.sha
                         and n.id > p.id and n.rerun_of_id is null) as superseded,
              (select min(r.id)::text from shared.pipelines r
                where r.rerun_of_id = p.id and r.rerun_kind = $2 and $2 not in ('from-step', 'targets')
                  and r.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')) as running
         from shared.pipelines p join shared.commits c on c.id = p.commit_id
        where p.id = $1`,
      [pipelineId, kind],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.superseded) return `pipeline ${pipelineId} was superseded by a newer commit`;
    if (row.running) return `a ${kind} rerun of pipeline ${pipelineId} is running: pipeline ${row.running}`;
    return undefined;
  }

  async pipelineOfStep(sql: Sql, stepId: string): Promise<string | undefined> {
    const { rows } = await sql.query<{ id: string }>(
      `select pipeline_id::text as id from shared.pipeline_steps where id = $1`,
      [stepId],
    );
    return rows[0]?.id;
  }

  /** The first pipeline (and its step) that counts this target. */
  async firstStepCounting(
    sql: Sql,
    kind: ItemKind,
    targetId: string,
  ): Promise<{ pipelineId: string; stepId: string } | undefined> {
    const link = this.kinds.targetLink(kind);
    const { rows } = await sql.query<{ pipeline_id: string; step_id: string }>(
      `select s.pipeline_id::text, s.id::text as step_id from ${link.table} l join shared.pipeline_steps s on s.id = l.step_id
        where l.${link.column} = $1 order by s.pipeline_id limit 1`,
      [targetId],
    );
    return rows[0] ? { pipelineId: rows[0].pipeline_id, stepId: rows[0].step_id } : undefined;
  }

  /** Of these targets, those (`kind:id`) that an unfinished pipeline other than `excluded` counts. */
  async countedByOtherLivePipelines(
    sql: Sql,
    targets: readonly TargetState[],
    excluded: readonly string[],
  ): Promise<Set<string>> {
    const keep = new Set<string>();
    for (const kind of new Set(targets.map((t) => t.kind))) {
      const link = this.kinds.targetLink(kind);
      const { rows } = await sql.query<{ id: string }>(
        `select distinct l.${link.column}::text as id from ${link.table} l
           join shared.pipeline_steps s on s.id = l.step_id join shared.pipelines p on p.id = s.pipeline_id
          where l.${link.column} = any($1::bigint[]) and p.id <> all($2::bigint[]) and ${LIVE}`,
        [targets.filter((t) => t.kind === kind).map((t) => t.id), excluded],
      );
      for (const r of rows) keep.add(`${kind}:${r.id}`);
    }
    return keep;
  }
}
