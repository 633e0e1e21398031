export { STREAM_ECOSYSTEM, createStreamActivities } from './stream.ecosystem.js';
export { STREAM_KINDS, SYNC_STEP, SYNC_JOBS, type SyncJob } from './model/stream.kinds.js';
export * from './model/mr-pair.entity.js';
export * from './model/sync-run.entity.js';
export * from './model/sync-step.entity.js';
