// @packflow/clients: drivers for the systems packflow talks to, each behind an interface
// (BuildService, TestService, ForgeClient). No NestJS. Failures are ExternalServiceErrors:
// retryable (with retryAfterMs) for 429, 5xx and network trouble, not for 401/403/404.
export * from './build/build-service.js';
export { CoprClient, type CoprClientOptions } from './build/copr.client.js';
export * from './test/test-service.js';
export { parseXunit, type TestCaseLog, type TestCaseResult, type XunitSummary } from './test/xunit.parser.js';
export { TestingFarmClient, type TestingFarmClientOptions } from './test/testing-farm.client.js';
export * from './forge/forge-client.js';
export {
  GithubForge,
  RERUN_ACTIONS,
  type CheckRun,
  type CheckRunAction,
  type CheckRunConclusion,
  type CheckRunInput,
  type CheckRunStatus,
  type GithubForgeOptions,
} from './forge/github.forge.js';
export type { GithubAppIdentity } from './forge/github-app.auth.js';
export {
  GitlabForge,
  type CommitStatus,
  type CommitStatusInput,
  type GitlabForgeOptions,
  type GitlabStatusState,
} from './forge/gitlab.forge.js';
export { retryAfterMs, rateLimitResetMs } from './http/http-failure.js';
export type { FetchLike } from './http/json-http.client.js';
