import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, textColumn, TargetRow, targetColumns, targetIndexes } from '@packflow/core';

/**
 * A run of a job without build items of its own (Bodhi update, propose downstream,
 * pull from upstream, VM image build): the group of its per-target runs (one per
 * dist-git branch, image target…).
 */
export class JobRun {
  id!: string;
  job!: string;
  createdAt!: Date;
}

export const JobRunSchema = new EntitySchema<JobRun>({
  class: JobRun,
  schema: 'upstream',
  tableName: 'job_runs',
  properties: { id: idColumn, job: textColumn, createdAt: createdAtColumn },
});

export class JobRunTarget extends TargetRow {
  jobRun!: JobRun;
}

export const JobRunTargetSchema = new EntitySchema<JobRunTarget>({
  class: JobRunTarget,
  schema: 'upstream',
  tableName: 'job_run_targets',
  properties: {
    id: idColumn,
    jobRun: { kind: 'm:1', entity: () => JobRun, deleteRule: 'cascade' },
    ...targetColumns('job_run_targets'),
  },
  indexes: [
    { name: 'job_run_targets_group_index', properties: ['jobRun', 'target'] },
    ...targetIndexes<JobRunTarget>('job_run_targets'),
  ],
});
