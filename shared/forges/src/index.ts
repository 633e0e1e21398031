// @packflow/forges: one driver per forge (GitHub, GitLab; Pagure's client, its events come as bus messages), each in its own folder with
// its webhook verifier, its payload parser into typed events (@packflow/events), its API
// client and reporter. Fakes for tests are the `@packflow/forges/testing` entry. No NestJS.
export * from './forge.types.js';
export { commentMarker, commentOnce } from './comment.once.js';
export { FORGE_DRIVERS, webhookDriverOf } from './forge.drivers.js';
export { bearerToken, tokenHash, tokenMatches, tokenMatchesHash } from './webhook.verifier.js';
export { githubDriver } from './github/github.driver.js';
export { githubProject, parseGithub } from './github/github.parser.js';
export { githubSignatureValid, verifyGithubWebhook } from './github/github.verifier.js';
export {
  GithubForge,
  RERUN_ACTIONS,
  type CheckRun,
  type CheckRunAction,
  type CheckRunConclusion,
  type CheckRunInput,
  type CheckRunStatus,
  type GithubForgeOptions,
} from './github/github.forge.js';
export type { GithubAppIdentity } from './github/github-app.auth.js';
export { gitlabDriver } from './gitlab/gitlab.driver.js';
export { gitlabProject, parseGitlab } from './gitlab/gitlab.parser.js';
export { verifyGitlabWebhook } from './gitlab/gitlab.verifier.js';
export {
  GitlabForge,
  type CommitStatus,
  type CommitStatusInput,
  type GitlabMergeRequest,
  type GitlabNote,
  type GitlabProject,
  type NewMergeRequest,
  type GitlabForgeOptions,
  type GitlabStatusState,
} from './gitlab/gitlab.forge.js';
export { planEventOfWebhook, planWebhook, type WebhookPlan } from './plan.webhook.js';
export { GithubOAuth } from './github/github.oauth.js';
export { GitlabOAuth } from './gitlab/gitlab.oauth.js';
export { pagureDriver } from './pagure/pagure.driver.js';
export {
  PagureForge,
  flagUid,
  type NewPullRequest,
  type PagureFlag,
  type PagureFlagStatus,
  type PagureForgeOptions,
  type PagurePullRequest,
} from './pagure/pagure.forge.js';
