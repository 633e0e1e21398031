// One event, one owner: two GitHub Apps on github.com, or two GitLab tokens on one GitLab,
// each its own upstream deployment with its own durable consumer, so each receives every
// upstream event. A GitHub webhook names the installation it was delivered for; only the
// deployment whose App that installation belongs to acts (one pipeline, one Copr build,
// check runs by that App). On GitLab the deployment whose token the (private) project lets
// in acts. The other acknowledges and leaves it; the pipeline records its owner.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGithub, FakeGitlab } from '@packflow/forges/testing';
import { waitFor } from '@packflow/testing';
import { buildAndTestConfig, SECOND_GITLAB_TOKEN, startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/widget';
const logger = createLogger({ name: 'e2e', level: 'silent' });

let stack: UpstreamStack;
let app42: FakeGithub;
let app43: FakeGithub;

/** The owners of the pipelines started for a commit (one entry per pipeline). */
async function ownersOf(sha: string): Promise<string[]> {
  const { rows } = await stack.db
    .pool()
    .query(`select p.owner from shared.pipelines p join shared.commits c on c.id = p.commit_id where c.sha = $1`, [
      sha,
    ]);
  return rows.map((r) => r.owner);
}

/** Opens pull request `number` through `app`'s webhook (its installation in the payload). */
async function openThrough(app: FakeGithub, number: number): Promise<string> {
  const sha = String(number).repeat(40).slice(0, 40);
  for (const a of [app42, app43]) {
    a.setFile(REPO, sha, '.packit.yaml', buildAndTestConfig(['fedora-41-x86_64']));
    a.setPullRequestFiles(REPO, number, [{ filename: 'src/widget.c' }]);
  }
  const sent = await app.emitPullRequest(REPO, { number, headSha: sha, sender: 'maintainer' });
  expect(sent.status).toBe(202);
  await waitFor(() => app.checkRunsFor(REPO, sha).length >= 3, {
    what: 'the check runs of the owner',
    timeoutMs: 30_000,
  });
  await stack.settled();
  return sha;
}

describe('two GitHub Apps on one instance', () => {
  beforeAll(async () => {
    stack = await startUpstreamStack(logger, {}, { deployments: 'two-apps' });
    app42 = stack.github;
    app43 = stack.github2!;
  });
  afterAll(() => stack?.close());

  it('only the deployment of the installation a webhook names acts on it; the other acknowledges and skips', async () => {
    const sha = await openThrough(app42, 11);
    expect(await ownersOf(sha)).toEqual(['upstream-app-42']);
    expect(stack.copr.builds.size).toBe(1);
    expect(app43.checkRunsFor(REPO, sha)).toEqual([]);
    // The other App never reached for the repository's files or a token of its own.
    expect(app43.tokensIssued).toEqual([]);
  });

  it("the second App's webhook is the second deployment's, and only its", async () => {
    const before = stack.copr.builds.size;
    const sha = await openThrough(app43, 12);
    expect(await ownersOf(sha)).toEqual(['upstream-app-43']);
    expect(stack.copr.builds.size).toBe(before + 1);
    expect(app42.checkRunsFor(REPO, sha)).toEqual([]);
  });
});

describe('two GitLab tokens on one GitLab', () => {
  let gitlab: FakeGitlab;
  const PROJECTS = { a: 'acme/widget-a', b: 'acme/widget-b' };

  beforeAll(async () => {
    stack = await startUpstreamStack(logger, {}, { deployments: 'two-gitlab-tokens' });
    gitlab = stack.gitlab;
    // Private projects: each lets one of the two bots in as a Developer or more, and the
    // other only as a Reporter (it could read the config, but set no commit status).
    gitlab.restrictProject(PROJECTS.a);
    gitlab.setAccessLevel(PROJECTS.a, gitlab.botUser, 30);
    gitlab.setAccessLevel(PROJECTS.a, 'second-bot', 20);
    gitlab.restrictProject(PROJECTS.b);
    gitlab.setAccessLevel(PROJECTS.b, 'second-bot', 40);
    gitlab.setAccessLevel(PROJECTS.b, gitlab.botUser, 20);
  });
  afterAll(() => stack?.close());

  /** Opens merge request `iid` of `project`; waits for its commit statuses and for both deployments to settle. */
  async function openOn(project: string, iid: number): Promise<string> {
    const sha = String(iid).repeat(40).slice(0, 40);
    gitlab.setFile(project, sha, '.packit.yaml', buildAndTestConfig(['fedora-41-x86_64']));
    gitlab.setMergeRequestChanges(project, iid, ['src/widget.c']);
    const sent = await gitlab.emitMergeRequest(project, { iid, headSha: sha, sender: 'maintainer' });
    expect(sent.status).toBe(202);
    await waitFor(() => gitlab.statusesFor(project, sha).length >= 3, {
      what: `the commit statuses of ${project}`,
      timeoutMs: 30_000,
    });
    await stack.settled();
    return sha;
  }

  /** The paths a token asked for under a project (besides the project itself). */
  const askedBy = (token: string, project: string) =>
    gitlab.requests
      .filter((r) => r.headers['private-token'] === token && r.path.includes(encodeURIComponent(project) + '/'))
      .map((r) => r.path);

  it('only the deployment whose token the project lets in acts on its merge request', async () => {
    const sha = await openOn(PROJECTS.a, 21);
    expect(await ownersOf(sha)).toEqual(['upstream-gitlab-a']);
    expect(stack.copr.builds.size).toBe(1);
    // The other read neither the config nor anything else of the project; the owner did.
    expect(askedBy(SECOND_GITLAB_TOKEN, PROJECTS.a)).toEqual([]);
    expect(askedBy(gitlab.token, PROJECTS.a)).toContainEqual(expect.stringContaining('/repository/files/'));
  });

  it("the other project is the second deployment's, and only its", async () => {
    const sha = await openOn(PROJECTS.b, 22);
    expect(await ownersOf(sha)).toEqual(['upstream-gitlab-b']);
    expect(stack.copr.builds.size).toBe(2);
    expect(askedBy(gitlab.token, PROJECTS.b)).toEqual([]);
  });
});
