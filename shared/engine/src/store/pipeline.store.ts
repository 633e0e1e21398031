// Writes pipelines and what they run (steps, edges, groups, targets and the links
// between them); finds and locks the pipelines a decision touches. The tables of each
// item kind come from the ItemKinds the engine was created with: this store names no
// ecosystem's tables. A new pipeline is one statement: its row, steps, edges, groups,
// targets and links (each round trip is a share of a start).
import { preparedText, type ItemKind, type ItemKinds, type Sql } from '@packflow/core';
import type { TargetState } from '../engine.types.js';

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

/**
 * Marks a predecessor's group id handed to groupValues: the group is inserted by the same
 * statement, so its id is a reference to its CTE (a NUL cannot occur in a real value).
 */
const PREDECESSOR = '\u0000group:';

const LIVE = `p.status not in ('success', 'failure', 'error', 'skipped', 'cancelled')`;

export class PipelineStore {
  constructor(private readonly kinds: ItemKinds) {}

  /**
   * Creates the pipeline rows; returns the pipeline id, or undefined when the pipeline has
   * an event that already started one (a redelivered message: the unique constraint on
   * `event_id` decides, so two concurrent starts make one pipeline). One statement for the
   * pipeline, its steps, edges, groups, targets and links (insertSql).
   */
  async insert(sql: Sql, spec: PipelineSpec): Promise<string | undefined> {
    const { text, values } = this.insertSql(spec);
    const { rows } = await sql.query<{ id: string }>(preparedText('pf_engine_insert_pipeline', text, values));
    return rows[0]?.id;
  }

  /**
   * The statement of `insert`: a data-modifying CTE per row set. Every insert selects from
   * `p`, so when the event started a pipeline already nothing at all is written. A step's
   * group may take its predecessors' groups (groupValues): it is given references to them
   * (PREDECESSOR), which become sub-selects of their CTEs. One text per plan shape (the
   * kinds of its steps, in order), which the job configs bound: each is prepared once per
   * connection. One statement instead of one per step saved 3 of a start's 10 statements.
   */
  private insertSql(spec: PipelineSpec): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const rerunOf = param(spec.rerunOf ?? null);
    const ctes = [
      `p as (
         insert into shared.pipelines (project_id, commit_id, event_id, trigger, strategy, rerun_of_id, rerun_kind, owner)
         values (${[spec.projectId, spec.commitId, spec.eventId, spec.trigger, spec.strategy].map(param).join(', ')},
                 ${rerunOf}::bigint, ${param(spec.rerunKind ?? null)},
                 coalesce(${param(spec.owner ?? null)}::text, (select o.owner from shared.pipelines o where o.id = ${rerunOf}::bigint)))
         on conflict (event_id) where rerun_of_id is null do nothing
         returning id)`,
      // n: the order rows are inserted in (ids follow it; states list steps and edges by id).
      `s as (
         insert into shared.pipeline_steps (pipeline_id, key, job, package, identifier, options, rerun_of_id)
         select p.id, s.key, s.job, s.package, s.identifier, s.options, s.rerun_of
           from p, jsonb_to_recordset(${param(JSON.stringify(spec.steps.map((s, n) => ({ ...s, rerun_of: s.rerunOf ?? null, targets: undefined, n }))))}::jsonb)
                   as s(key text, job text, package text, identifier text, options jsonb, rerun_of bigint, n int)
          order by s.n
         returning id, key)`,
      `e as (
         insert into shared.pipeline_step_edges (from_step_id, to_step_id, target)
         select f.id, t.id, x.target
           from jsonb_to_recordset(${param(JSON.stringify(spec.edges.map((e, n) => ({ ...e, n }))))}::jsonb)
                   as x("from" text, "to" text, target text, n int)
           join s f on f.key = x."from" join s t on t.key = x."to"
          order by x.n)`,
    ];
    const groups = new Map<string, { kind: ItemKind; cte: string }>();
    spec.steps.forEach((step, i) => {
      const predecessors: Record<ItemKind, string> = {};
      for (const e of spec.edges) {
        const group = e.to === step.key ? groups.get(e.from) : undefined;
        if (group) predecessors[group.kind] ??= PREDECESSOR + group.cte;
      }
      const kind = this.itemsCtes(i, step, predecessors, param, ctes);
      groups.set(step.key, { kind, cte: `g${i}` });
    });
    return { text: `with ${ctes.join(',\n')}\nselect p.id::text from p`, values };
  }

  /**
   * A step's CTEs (`g<i>`: its group, or its one item, one row `id`; then the links, its
   * targets and their links), pushed to `ctes`. Returns the step's kind.
   */
  private itemsCtes(
    i: number,
    step: StepSpec,
    predecessors: Record<ItemKind, string>,
    param: (value: unknown) => string,
    ctes: string[],
  ): ItemKind {
    const k = this.kinds.ofJob(step.job);
    const fresh = step.targets.filter((t): t is { name: string; attempt: number } => t.reuseId === undefined);
    const reused = step.targets.flatMap((t) => (t.reuseId !== undefined ? [t.reuseId] : []));
    const stepId = `(select id from s where key = ${param(step.key)})`;
    const g = `g${i}`;

    if (!k.groupTable) {
      // Group-less (SRPM): the step links its one item.
      ctes.push(
        reused[0] !== undefined
          ? `${g} as (select ${param(reused[0])}::bigint as id from p)`
          : `${g} as (insert into ${k.targetTable} (target, attempt) select ${param(fresh[0].name)}, ${param(fresh[0].attempt)}::int from p returning id)`,
        `${g}l as (insert into ${k.groupLinkTable} (step_id, ${k.groupLinkColumn}) select ${stepId}, id from ${g})`,
      );
      return k.kind;
    }
    ctes.push(
      `${g} as (${this.groupSql(k.kind, step, predecessors, param)})`,
      `${g}l as (insert into ${k.groupLinkTable} (step_id, ${k.groupLinkColumn}) select ${stepId}, id from ${g})`,
      `${g}t as (
         insert into ${k.targetTable} (${k.groupColumn}, target, attempt)
         select ${g}.id, u.target, u.attempt
           from ${g}, unnest(${param(fresh.map((t) => t.name))}::text[], ${param(fresh.map((t) => t.attempt))}::int[])
                      with ordinality as u(target, attempt, n)
          order by u.n
         returning id)`,
      `${g}tl as (
         insert into ${k.targetLinkTable} (step_id, ${k.targetLinkColumn})
         select ${stepId}, x.id from (select unnest(${param(reused)}::bigint[]) as id from p union all select id from ${g}t) x)`,
    );
    return k.kind;
  }

  /** The SQL of a CTE that makes (or, when the step shares one, names) the step's group: one row, `id`. */
  private groupSql(
    kind: ItemKind,
    step: StepSpec,
    predecessors: Record<ItemKind, string>,
    param: (value: unknown) => string,
  ): string {
    const k = this.kinds.get(kind);
    if (step.groupId) return `select ${param(step.groupId)}::bigint as id from p`;
    const values = k.groupValues?.({ job: step.job, options: step.options, predecessors }) ?? {};
    const columns = Object.keys(values);
    if (columns.length === 0) return `insert into ${k.groupTable} select from p returning id`;
    for (const c of columns)
      if (!/^[a-z_][a-z0-9_]*$/.test(c)) throw new Error(`item kind ${kind}: ${c} is not a column name`);
    const placeholders = Object.values(values).map((v) => {
      if (typeof v === 'string' && v.startsWith(PREDECESSOR)) return `(select id from ${v.slice(PREDECESSOR.length)})`;
      if (typeof v === 'string' && v.includes(PREDECESSOR))
        throw new Error(`item kind ${kind}: a group value may take a predecessor's group id only as it is`);
      return param(v);
    });
    return `insert into ${k.groupTable} (${columns.join(', ')}) select ${placeholders.join(', ')} from p returning id`;
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
