// The CentOS Stream ecosystem's registration point: what it brings to a process (its
// migration base, entities and item kinds) and the activities it runs. Its item kinds
// and activities are empty until the stream worker's jobs exist; the CentOS Stream issue
// fills them here and nothing else changes in the engine or the registry.
import type { EcosystemDefinition, ItemKindDefinition } from '@packflow/core';
import type { EngineActivities } from '@packflow/engine';
import { MrPairSchema } from './model/mr-pair.entity.js';
import { SyncRunSchema } from './model/sync-run.entity.js';
import { StepSyncStepSchema, SyncStepSchema } from './model/sync-step.entity.js';
import { STREAM_KINDS } from './model/stream.kinds.js';

export const STREAM_ECOSYSTEM: EcosystemDefinition = {
  name: 'stream',
  base: 'stream',
  entities: [MrPairSchema, SyncRunSchema, SyncStepSchema, StepSyncStepSchema],
  kinds: STREAM_KINDS,
};

/** What the stream worker gives its engine, by job (none yet). */
export function createStreamActivities(): EngineActivities {
  return { jobs: {} };
}
