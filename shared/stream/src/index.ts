export { STREAM_ECOSYSTEM, createStream, type Stream } from './stream.ecosystem.js';
export { STREAM_KINDS, SYNC_STEP, SYNC_JOBS, type SyncJob } from './model/stream.kinds.js';
export * from './model/mr-pair.entity.js';
export * from './model/sync-run.entity.js';
export * from './model/sync-step.entity.js';
export { StreamRepository, type MrPairRow, type StreamEventRow } from './stream.repository.js';
export { distGitNamespaceOf, sourceGitNamespaceOf, type StreamSettings } from './stream.settings.js';
export {
  SyncActivities,
  LINK_MARKER,
  ciExternalId,
  syncOptions,
  type SyncOptions,
} from './activities/sync.activities.js';
export { StreamReporter } from './activities/stream.reporter.js';
export { StreamService, syncPlan, type StreamServiceDeps } from './handlers/stream.service.js';
export { DistGitPushes } from './handlers/dist-git.pushes.js';
export { streamHelpText } from './handlers/help.text.js';
export { GitWorkspace } from '@packflow/source-git';
export { CiResultsRecorder, type DistGitPipeline } from './handlers/ci-results.recorder.js';
export { KcidbReporter, kcidbStatusName, summariseOrigin } from './handlers/kcidb.reporter.js';
