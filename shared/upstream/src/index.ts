export { UPSTREAM_ECOSYSTEM, createUpstream, type Upstream, type UpstreamSettings } from './upstream.ecosystem.js';
export { UPSTREAM_KINDS, SRPM_BUILD, COPR_BUILD, TESTS, KOJI_BUILD, JOB_RUN } from './model/upstream.kinds.js';
export { UPSTREAM_ENTITIES } from './model/upstream.entities.js';
export * from './model/srpm-build.entity.js';
export * from './model/copr-build.entity.js';
export * from './model/koji-build.entity.js';
export * from './model/test-run.entity.js';
export * from './model/job-run.entity.js';
export * from './model/step-links.entity.js';
export { UpstreamService } from './handlers/upstream.service.js';
export type { UpstreamServiceDeps } from './handlers/upstream.service.types.js';
export { TestResultsRecorder, kcidbPath } from './handlers/test-results.recorder.js';
export { UpstreamRepository, type EventRow, type TestOrigin } from './upstream.repository.js';
export {
  ForgeRegistry,
  readForgeIdentities,
  type ForgeIdentities,
  type ProjectCoordinates,
} from './forge/forge.registry.js';
export { formatCheckRunId, parseCheckRunId, type CheckRunRef } from './check-run.id.js';
export { StatusReporter } from './activities/status.reporter.js';
export { statusName, type CheckNameInput } from './activities/status.name.js';
export { coprActivities, coprSignalOf } from './activities/copr.activities.js';
export { PACKIT_COPR_REPO, srpmScript, srpmSubmission } from './activities/srpm.script.js';
export { testingFarmActivities, testSignalOf, composeOf } from './activities/testing-farm.activities.js';
export { coprProjectName, cloneUrl, EXTERNAL_RETRY } from './activities/activity-context.js';
export {
  upstreamKojiBuildActivity,
  kojiUploadDir,
  kojiTaskSignal,
  type KojiActivityOptions,
} from './activities/koji.activities.js';
export { readKojiSettings, type KojiSettings } from './koji.settings.js';
export { kojiBuildActivity, distGitSource, KOJI_TRY_KEY } from './activities/koji-build.activities.js';
export { kojiTargetOf } from './activities/koji-target.name.js';
export { bodhiUpdateActivity, type BodhiActivityOptions } from './activities/bodhi.activities.js';
export { readBodhiSettings, type BodhiSettings } from './fedora.settings.js';
export {
  downstreamActivity,
  downstreamWork,
  versionFromTag,
  filesToSync,
  type DownstreamActivityOptions,
  type DownstreamWork,
} from './activities/downstream.activities.js';
export { readDownstreamSettings, type DownstreamSettings } from './downstream.settings.js';
