// Loads what the engine decides on: a pipeline with its steps, edges and the targets
// each step counts, in one statement.
import { ENGINE_TARGET_COLUMNS, prepared, stepTargetsSql, type Sql } from '@packflow/core';
import type { PipelineState } from './engine.types.js';

const linkedTargets = stepTargetsSql(
  'step_id in (select id from shared.pipeline_steps where pipeline_id = any($1::bigint[]))',
  ENGINE_TARGET_COLUMNS,
);

const STATE_SQL = `
with targets as (${linkedTargets})
select json_build_object(
  'id', p.id::text, 'projectId', p.project_id::text, 'commitId', p.commit_id::text, 'eventId', p.event_id::text,
  'trigger', p.trigger, 'strategy', p.strategy, 'status', p.status, 'rerunOf', p.rerun_of_id::text,
  'steps', coalesce((select json_agg(json_build_object(
      'id', s.id::text, 'key', s.key, 'job', s.job, 'package', s.package, 'identifier', s.identifier,
      'status', s.status, 'options', s.options, 'rerunOf', s.rerun_of_id::text,
      'targets', coalesce((select json_agg(json_build_object(
          'kind', x.kind, 'id', x.id::text, 'groupId', x.group_id::text, 'target', x.target, 'attempt', x.attempt,
          'status', x.status, 'reason', x.reason, 'externalId', x.external_id, 'idempotencyKey', x.idempotency_key,
          'webUrl', x.web_url, 'logUrl', x.log_url, 'queuedAt', x.queued_at, 'startedAt', x.started_at,
          'finishedAt', x.finished_at, 'deadlineAt', x.deadline_at, 'createdAt', x.created_at, 'data', x.data)
        order by x.target, x.attempt) from targets x where x.step_id = s.id), '[]'))
      order by s.id) from shared.pipeline_steps s where s.pipeline_id = p.id), '[]'),
  'edges', coalesce((select json_agg(json_build_object('from', e.from_step_id::text, 'to', e.to_step_id::text, 'target', e.target)
      order by e.id) from shared.pipeline_step_edges e join shared.pipeline_steps s on s.id = e.to_step_id
      where s.pipeline_id = p.id), '[]')
) as state
from shared.pipelines p where p.id = any($1::bigint[])
order by p.id`;

export async function loadPipelineStates(sql: Sql, pipelineIds: readonly string[]): Promise<PipelineState[]> {
  if (pipelineIds.length === 0) return [];
  const { rows } = await sql.query<{ state: PipelineState }>(prepared('pf_engine_state', STATE_SQL, [pipelineIds]));
  return rows.map((r) => r.state);
}
