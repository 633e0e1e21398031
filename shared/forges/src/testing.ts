// @packflow/forges/testing: the fake GitHub, GitLab and Pagure (with real git repositories), local HTTP servers that answer as
// the real APIs do and send webhooks as the real forges send them. For tests only.
export * from './github/fake-github.server.js';
export { FakeGithub } from './github/fake-github.webhooks.js';
export * from './gitlab/fake-gitlab.server.js';
export { FakeGitlab } from './gitlab/fake-gitlab.webhooks.js';
export * from './pagure/fake-pagure.server.js';
export type { FakePagureProject, FakePagurePullRequest } from './pagure/fake-pagure.json.js';
