// @packflow/source-git: CentOS Stream source-git <-> dist-git conversion (Packit's
// source-git workflow), and the git layer it is built on, usable for any dist-git work.
export {
  git,
  gitBuffer,
  gitResult,
  redactCredentials,
  GitCommandError,
  type GitRunOptions,
  type GitResult,
} from './git/git.runner.js';
export {
  GitRepository,
  type ChangedFile,
  type CommitInfo,
  type GitIdentity,
  type OpenOptions,
  type TreeEntry,
} from './git/git.repository.js';
export { RpmSpec, commentLines, formatNumber, type PatchTag, type SpecPatch } from './spec/rpm-spec.editor.js';
export {
  DISTRO_DIR,
  SOURCE_GIT_CONFIG,
  readSourceGitConfig,
  type SourceGitConfig,
} from './conversion/source-git.config.js';
export {
  FROM_DIST_GIT,
  FROM_SOURCE_GIT,
  PATCH_TRAILERS,
  parsePatchTrailers,
  type PatchTrailers,
} from './conversion/patch-trailers.js';
export { generatePatches, resolveUpstreamRef, type GeneratedPatch } from './conversion/patch.generator.js';
export {
  updateDistGit,
  isProtectedDistGitFile,
  type UpdateDistGitOptions,
  type UpdateDistGitResult,
} from './conversion/dist-git.updater.js';
export {
  updateSourceGit,
  SyncRefusedError,
  type UpdateSourceGitOptions,
  type UpdateSourceGitResult,
} from './conversion/source-git.updater.js';
export { syncStatus, type CommitSummary, type SyncPoint, type SyncStatus } from './conversion/sync.status.js';
export { GitWorkspace } from './workspace/git.workspace.js';
export {
  withNewRelease,
  expandedSource0,
  specTag,
  changelogOf,
  changelogDate,
  type ReleaseChange,
} from './spec/spec-release.editor.js';
