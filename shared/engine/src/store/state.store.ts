// Loads what the engine decides on: a pipeline with its project, ref and commit, its
// steps, edges and the targets each step counts, in one statement. Activities and
// reporters get their context from this same read (see TargetTask, TargetChange).
import { prepared, projectJson, stepTargetsSql, targetJson, type ItemKinds, type Sql } from '@packflow/core';
import type { PipelineState } from '../engine.types.js';

/**
 * The state of each pipeline whose id is in `ids` (SQL of a bigint[]), one row (`state`)
 * each, in id order. Also a part of the statement that applies a signal (signal.store.ts).
 */
export const stateSql = (kinds: ItemKinds, ids: string) => `
with targets as (${stepTargetsSql(kinds, `step_id in (select id from shared.pipeline_steps where pipeline_id = any(${ids}))`)})
select json_build_object(
  'id', p.id::text, 'projectId', p.project_id::text, 'commitId', p.commit_id::text, 'eventId', p.event_id::text,
  'trigger', p.trigger, 'strategy', p.strategy, 'status', p.status, 'rerunOf', p.rerun_of_id::text,
  'project', ${projectJson('pr')}, 'ref', json_build_object('kind', r.kind, 'name', r.name), 'commitSha', c.sha,
  'steps', coalesce((select json_agg(json_build_object(
      'id', s.id::text, 'key', s.key, 'job', s.job, 'package', s.package, 'identifier', s.identifier,
      'status', s.status, 'options', s.options, 'rerunOf', s.rerun_of_id::text,
      'targets', coalesce((select json_agg(${targetJson} order by x.target, x.attempt)
        from targets x where x.step_id = s.id), '[]'))
      order by s.id) from shared.pipeline_steps s where s.pipeline_id = p.id), '[]'),
  'edges', coalesce((select json_agg(json_build_object('from', e.from_step_id::text, 'to', e.to_step_id::text, 'target', e.target)
      order by e.id) from shared.pipeline_step_edges e join shared.pipeline_steps s on s.id = e.to_step_id
      where s.pipeline_id = p.id), '[]')
) as state
from shared.pipelines p
join shared.projects pr on pr.id = p.project_id
join shared.commits c on c.id = p.commit_id
join shared.project_refs r on r.id = c.ref_id
where p.id = any(${ids})
order by p.id`;

export class StateStore {
  private readonly sql: string;

  constructor(kinds: ItemKinds) {
    this.sql = stateSql(kinds, '$1::bigint[]');
  }

  /** The states of these pipelines, in id order (unknown ids are left out). */
  async load(sql: Sql, pipelineIds: readonly string[]): Promise<PipelineState[]> {
    if (pipelineIds.length === 0) return [];
    const { rows } = await sql.query<{ state: PipelineState }>(prepared('pf_engine_state', this.sql, [pipelineIds]));
    return rows.map((r) => r.state);
  }
}
