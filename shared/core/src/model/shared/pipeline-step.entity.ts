import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, jsonColumn, optionalTextColumn, textColumn, updatedAtColumn } from '../columns.js';
import type { TargetStatus } from '../status.js';
import { Pipeline } from './pipeline.entity.js';

/** One job of one pipeline: SRPM build, Copr build, tests, Koji build, Bodhi update, … */
export class PipelineStep {
  id!: string;
  pipeline!: Pipeline;
  /** Stable key within the plan, e.g. `copr_build:python-foo`. */
  key!: string;
  /** `srpm_build`, `copr_build`, `tests`, `koji_build`, `bodhi_update`, … */
  job!: string;
  package?: string | null;
  identifier?: string | null;
  status!: TargetStatus;
  /** The step of an earlier pipeline this one repeats (reruns), for attempt history. */
  rerunOf?: PipelineStep | null;
  /** The job's resolved options from the plan (owner, tmt_plan, …). */
  options?: unknown;
  createdAt!: Date;
  updatedAt!: Date;
}

export const PipelineStepSchema = new EntitySchema<PipelineStep>({
  class: PipelineStep,
  schema: 'shared',
  tableName: 'pipeline_steps',
  properties: {
    id: idColumn,
    pipeline: { kind: 'm:1', entity: () => Pipeline, deleteRule: 'cascade' },
    key: textColumn,
    job: textColumn,
    package: optionalTextColumn,
    identifier: optionalTextColumn,
    status: { ...textColumn, default: 'pending' },
    rerunOf: { kind: 'm:1', entity: () => PipelineStep, nullable: true, deleteRule: 'set null' },
    options: jsonColumn,
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
  uniques: [{ name: 'pipeline_steps_key_unique', properties: ['pipeline', 'key'] }],
});
