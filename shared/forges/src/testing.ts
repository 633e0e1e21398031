// @packflow/forges/testing: the fake GitHub and GitLab, local HTTP servers that answer as
// the real APIs do and send webhooks as the real forges send them. For tests only.
export * from './github/fake-github.server.js';
export * from './gitlab/fake-gitlab.server.js';
