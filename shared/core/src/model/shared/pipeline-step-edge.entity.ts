import { EntitySchema } from '@mikro-orm/core';
import { idColumn, optionalTextColumn } from '../columns.js';
import { PipelineStep } from './pipeline-step.entity.js';

/**
 * `to` waits for `from`. With a `target`, only that target of `to` waits, and only for
 * the same target of `from` (tests on fedora-41-x86_64 wait for that chroot's build).
 */
export class PipelineStepEdge {
  id!: string;
  from!: PipelineStep;
  to!: PipelineStep;
  target?: string | null;
}

export const PipelineStepEdgeSchema = new EntitySchema<PipelineStepEdge>({
  class: PipelineStepEdge,
  schema: 'shared',
  tableName: 'pipeline_step_edges',
  properties: {
    id: idColumn,
    from: { kind: 'm:1', entity: () => PipelineStep, fieldName: 'from_step_id', deleteRule: 'cascade' },
    to: { kind: 'm:1', entity: () => PipelineStep, fieldName: 'to_step_id', deleteRule: 'cascade' },
    target: optionalTextColumn,
  },
  indexes: [
    { name: 'pipeline_step_edges_from_index', properties: ['from'] },
    { name: 'pipeline_step_edges_to_index', properties: ['to'] },
  ],
});
