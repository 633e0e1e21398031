// The kind of items the stream ecosystem's steps run, and where they keep their rows (the
// `stream` schema). One kind for every step of a sync: each step is one target, its own item.
import type { ItemKindDefinition } from '@packflow/core';

/** The jobs of a source-git -> dist-git sync pipeline, in order. */
export const SYNC_JOBS = ['sync_convert', 'sync_push', 'sync_merge_request', 'sync_ci'] as const;
export type SyncJob = (typeof SYNC_JOBS)[number];

export const SYNC_STEP: ItemKindDefinition = {
  kind: 'sync_step',
  jobs: SYNC_JOBS,
  label: 'sync step',
  groupTable: null,
  groupColumn: null,
  targetTable: 'stream.sync_steps',
  groupLinkTable: 'stream.pipeline_step_sync_steps',
  groupLinkColumn: 'sync_step_id',
  targetLinkTable: null,
  targetLinkColumn: null,
};

export const STREAM_KINDS: readonly ItemKindDefinition[] = [SYNC_STEP];
