// The items of a source-git -> dist-git sync pipeline: one row per step target
// (convert, push, dist-git merge request, dist-git CI), without a group, linked from its
// pipeline step like any other ecosystem's items, so reruns and the dashboard work for it.
import { EntitySchema } from '@mikro-orm/core';
import { idColumn, PipelineStep, TargetRow, targetColumns, targetIndexes } from '@packflow/core';

/** One step of a sync: what it did is in `data` (patches, pushed commit, merge request). */
export class SyncStep extends TargetRow {}

export const SyncStepSchema = new EntitySchema<SyncStep>({
  class: SyncStep,
  schema: 'stream',
  tableName: 'sync_steps',
  properties: { id: idColumn, ...targetColumns('sync_steps') },
  indexes: targetIndexes<SyncStep>('sync_steps'),
});

/** A pipeline step -> the sync step item it runs. */
export class StepSyncStep {
  step!: PipelineStep;
  syncStep!: SyncStep;
}

export const StepSyncStepSchema = new EntitySchema<StepSyncStep>({
  class: StepSyncStep,
  schema: 'stream',
  tableName: 'pipeline_step_sync_steps',
  properties: {
    step: { kind: 'm:1', entity: () => PipelineStep, primary: true, deleteRule: 'cascade' },
    syncStep: { kind: 'm:1', entity: () => SyncStep, deleteRule: 'cascade' },
  },
  indexes: [{ name: 'pipeline_step_sync_steps_item_index', properties: ['syncStep'] }],
});
