import { prepared, type Sql } from '../db/sql.js';
import type { ItemKinds } from '../model/item-kind.registry.js';
import { eventJson } from './event.repository.js';
import { clampLimit, pageOf } from './page.js';
import {
  groupTargetsSql,
  jsonObjectInJsonbOrder,
  projectJson,
  stepGroupSql,
  stepTargetsSql,
  targetJson,
  targetJsonWith,
} from './step-targets.sql.js';
import type {
  EventSummary,
  Page,
  PipelineSummary,
  PipelineView,
  ProjectView,
  StepNeighbourhood,
} from './views.types.js';

const stepSummaryFields = (alias: string): [string, string][] => [
  ['id', `${alias}.id::text`],
  ['key', `${alias}.key`],
  ['job', `${alias}.job`],
  ['package', `${alias}.package`],
  ['identifier', `${alias}.identifier`],
  ['status', `${alias}.status`],
];

/** Fields of a pipeline list row; expects aliases p (pipeline), c (commit), r (ref), e (event, may be null). */
const pipelineSummaryFields = `
  'id', p.id::text, 'status', p.status, 'trigger', p.trigger, 'rerunOf', p.rerun_of_id::text,
  'rerunKind', p.rerun_kind, 'createdAt', p.created_at, 'finishedAt', p.finished_at,
  'commitSha', c.sha, 'ref', json_build_object('kind', r.kind, 'name', r.name),
  'eventId', p.event_id::text, 'eventType', e.type`;

const pipelineSummaryFrom = `
  shared.pipelines p
  join shared.commits c on c.id = p.commit_id
  join shared.project_refs r on r.id = c.ref_id
  left join shared.events e on e.id = p.event_id`;

/**
 * A target's JSON plus whether it is reused: created before the step that counts it (a
 * step's own targets are created with it, in one transaction). Alias `s` is that step.
 */
const stepTargetJson = targetJsonWith([['reused', 'x.created_at < s.created_at']]);
/** A target of the neighbourhood's step: targetJson's fields, keys in jsonb's order. */
const targetJsonOrdered = targetJsonWith([]);

/**
 * A step of the whole-pipeline view (alias `s`) with its targets, read by probing each
 * kind's link table for this step alone. (Filtering the links by `step_id in (select id
 * from steps)` planned the same probes plus a semi-join with the steps per kind and step:
 * a larger plan to set up and run; the direct filter measured 10-15% less server time.)
 */
const viewStepJson = (kinds: ItemKinds) =>
  jsonObjectInJsonbOrder([
    ...stepSummaryFields('s'),
    ['pipelineId', 's.pipeline_id::text'],
    ['rerunOf', 's.rerun_of_id::text'],
    ['options', 's.options'],
    [
      'targets',
      `coalesce((select json_agg(${stepTargetJson} order by x.kind, x.target, x.attempt)
                 from (${stepTargetsSql(kinds, 'step_id = s.id')}) x), '[]')`,
    ],
  ]);

/**
 * Use case 1's statement for these kinds. The JSON is built as json, in the key order
 * jsonb gives (the view's text stays the same): converting each object to jsonb and
 * merging with `||` cost a fifth of the read. (Reading the link tables once for all steps,
 * aggregated by step, measured no faster than these per-step index probes.)
 */
const viewSql = (kinds: ItemKinds) => `with recursive
        chain(id, rerun_of_id, depth) as (
          select id, rerun_of_id, 0 from shared.pipelines where id = $1
          union all
          select p.id, p.rerun_of_id, chain.depth + 1 from shared.pipelines p join chain on p.id = chain.rerun_of_id
        ),
        steps as (select * from shared.pipeline_steps where pipeline_id = $1)
      select json_build_object(${pipelineSummaryFields},
        'project', ${projectJson('pr')},
        'event', case when e.id is null then null else json_build_object('id', e.id::text, 'type', e.type,
                   'deliveryId', e.delivery_id, 'actor', e.actor, 'receivedAt', e.received_at) end,
        'rerunChain', coalesce((select json_agg(id::text order by depth) from chain where depth > 0), '[]'),
        'reruns', coalesce((select json_agg(q.id::text order by q.id) from shared.pipelines q where q.rerun_of_id = p.id), '[]'),
        'steps', coalesce((
          select json_agg(${viewStepJson(kinds)} order by s.id)
            from steps s), '[]'),
        'edges', coalesce((
          select json_agg(json_build_object('from', ed.from_step_id::text, 'to', ed.to_step_id::text, 'target', ed.target)
                          order by ed.id)
            from shared.pipeline_step_edges ed where ed.to_step_id in (select id from steps)), '[]')
      ) as view
      from ${pipelineSummaryFrom}
      join shared.projects pr on pr.id = p.project_id
      where p.id = $1`;

/** A step summary (alias given), keys in jsonb's order (as `::jsonb` printed it). */
const stepSummaryJson = (alias: string) => jsonObjectInJsonbOrder(stepSummaryFields(alias));

/**
 * Use case 2's statement for these kinds. Its JSON is built as json, keys in jsonb's order
 * (the same text once parsed), as the whole-pipeline view's is: it merged jsonb objects
 * with `||` and made the neighbours distinct as jsonb. A neighbour is listed once by a
 * semi-join instead, in the order `distinct` on jsonb gave: by id as text (the first
 * value jsonb compares, its keys being the same).
 */
const neighbourhoodSql = (kinds: ItemKinds) => `with s as (select * from shared.pipeline_steps where id = $1),
            g as (${stepGroupSql(kinds, '$1')})
      select json_build_object(
        'pipeline', json_build_object(${pipelineSummaryFields}),
        'event', case when e.id is null then null else ${eventJson} end,
        'project', ${projectJson('pr')},
        'step', ${jsonObjectInJsonbOrder([
          ...stepSummaryFields('s'),
          ['pipelineId', 's.pipeline_id::text'],
          ['rerunOf', 's.rerun_of_id::text'],
          [
            'targets',
            `coalesce((select json_agg(${targetJsonOrdered} order by x.target, x.attempt)
                         from (${stepTargetsSql(kinds, 'step_id = $1')}) x), '[]')`,
          ],
        ])},
        'previous', coalesce((select json_agg(${stepSummaryJson('ps')} order by ps.id::text)
                                from shared.pipeline_steps ps
                               where ps.id in (select ed.from_step_id from shared.pipeline_step_edges ed
                                                where ed.to_step_id = s.id)), '[]'),
        'next', coalesce((select json_agg(${stepSummaryJson('ns')} order by ns.id::text)
                            from shared.pipeline_steps ns
                           where ns.id in (select ed.to_step_id from shared.pipeline_step_edges ed
                                            where ed.from_step_id = s.id)), '[]'),
        'group', (select json_build_object('kind', g.kind, 'id', g.group_id::text,
                    'targets', coalesce((select json_agg(${targetJson} order by x.target, x.attempt)
                                           from (${groupTargetsSql(kinds, 'g.kind', 'g.group_id')}) x), '[]'))
                    from g limit 1)
      ) as view
      from s
      join ${pipelineSummaryFrom} on p.id = s.pipeline_id
      join shared.projects pr on pr.id = p.project_id`;

/**
 * The queries the dashboard and API need, each one SQL statement (the design notes'
 * use cases 1, 2, 6, 8, 10, 11; 7 and 9 are in EventRepository).
 */
export class PipelineRepository {
  private readonly viewSql: string;
  private readonly neighbourhoodSql: string;

  /** `kinds`: the item kinds of the ecosystems this process runs (the targets a step may count). */
  constructor(
    private readonly sql: Sql,
    kinds: ItemKinds,
  ) {
    this.viewSql = viewSql(kinds);
    this.neighbourhoodSql = neighbourhoodSql(kinds);
  }

  /** Use case 1: a whole pipeline with steps, targets, edges and rerun history. */
  async getView(pipelineId: string): Promise<PipelineView | null> {
    const { rows } = await this.sql.query<{ view: PipelineView }>(
      prepared('pf_pipeline_view', this.viewSql, [pipelineId]),
    );
    return rows[0]?.view ?? null;
  }

  /**
   * Use case 2: a step with its previous and next steps and all targets of its group, with
   * its pipeline, event and project (use cases 10 and 11 in the same statement).
   */
  async getStepNeighbourhood(stepId: string): Promise<StepNeighbourhood | null> {
    const { rows } = await this.sql.query<{ view: StepNeighbourhood }>(
      prepared('pf_step_neighbourhood', this.neighbourhoodSql, [stepId]),
    );
    return rows[0]?.view ?? null;
  }

  /**
   * Use case 6: a project's pipelines, newest first, keyset-paginated by id (`before` is the
   * previous page's `next`); null when the project does not exist.
   */
  async listForProject(
    projectId: string,
    options: { before?: string; limit?: number } = {},
  ): Promise<Page<PipelineSummary> | null> {
    const limit = clampLimit(options.limit);
    const { rows } = await this.sql.query<{ found: boolean; item: PipelineSummary | null }>(
      prepared(
        'pf_project_pipelines',
        `select o.id is not null as found, x.item
           from (select 1) one
           left join shared.projects o on o.id = $1
           left join lateral (
             select p.id, json_build_object(${pipelineSummaryFields}) as item
               from ${pipelineSummaryFrom}
              where p.project_id = o.id and ($2::bigint is null or p.id < $2)
              order by p.id desc
              limit $3) x on true
          order by x.id desc`,
        [projectId, options.before ?? null, limit + 1],
      ),
    );
    return pageOf(rows, limit);
  }

  /**
   * Use case 8: the pipelines an event started (reruns it asked for included), oldest first,
   * keyset-paginated by id (`after` is the previous page's `next`); null when the event does not exist.
   */
  async listForEvent(
    eventId: string,
    options: { after?: string; limit?: number } = {},
  ): Promise<Page<PipelineSummary> | null> {
    const limit = clampLimit(options.limit);
    const { rows } = await this.sql.query<{ found: boolean; item: PipelineSummary | null }>(
      prepared(
        'pf_event_pipelines',
        `select o.id is not null as found, x.item
           from (select 1) one
           left join shared.events o on o.id = $1
           left join lateral (
             select p.id, json_build_object(${pipelineSummaryFields}) as item
               from ${pipelineSummaryFrom}
              where p.event_id = o.id and ($2::bigint is null or p.id > $2)
              order by p.id
              limit $3) x on true
          order by x.id`,
        [eventId, options.after ?? null, limit + 1],
      ),
    );
    return pageOf(rows, limit);
  }

  /** Use case 10: the event behind a step (through its pipeline). */
  async getStepEvent(stepId: string): Promise<EventSummary | null> {
    const { rows } = await this.sql.query<{ item: EventSummary }>(
      prepared(
        'pf_step_event',
        `select json_build_object('id', e.id::text, 'source', e.source, 'type', e.type, 'deliveryId', e.delivery_id,
                'actor', e.actor, 'disposition', e.disposition, 'reason', e.reason, 'receivedAt', e.received_at,
                'commitSha', c.sha) as item
         from shared.pipeline_steps s
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.events e on e.id = p.event_id
         left join shared.commits c on c.id = e.commit_id
        where s.id = $1`,
        [stepId],
      ),
    );
    return rows[0]?.item ?? null;
  }

  /** Use case 11: the project a step belongs to. */
  async getStepProject(stepId: string): Promise<ProjectView | null> {
    const { rows } = await this.sql.query<{ item: ProjectView }>(
      prepared(
        'pf_step_project',
        `select ${projectJson('pr')} as item
         from shared.pipeline_steps s
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.projects pr on pr.id = p.project_id
        where s.id = $1`,
        [stepId],
      ),
    );
    return rows[0]?.item ?? null;
  }
}
