// Fedora's comment commands and koji_build's allowed accounts, end to end: scheduler and
// upstream worker as separate apps on real PostgreSQL and NATS; fake Pagure (dist-git, real
// git over file://), Koji and Bodhi reached through the real clients. Dist-git comments are
// made through Pagure's API by the person commenting, and the `pagure.pull-request.comment.
// added` message Pagure sends for them reaches the scheduler over the messages bridge, as do
// pushes (`pagure.git.receive`) and Koji's messages; the bridge answers once the message is
// recorded, so "nothing ran" is asserted after the stack settled, never after a sleep.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeBodhi, FakeKoji, FakeReleaseMonitoring } from '@packflow/clients/testing';
import { createLogger } from '@packflow/core';
import { PagureForge } from '@packflow/forges';
import { FakePagure } from '@packflow/forges/testing';
import { createTestCertificates, TestRepo, waitFor, type TestCertificates } from '@packflow/testing';
import { MESSAGES_TOKEN, startUpstreamStack, type UpstreamStack } from './support/stack.js';

const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });
const HELLO = { namespace: 'rpms', repo: 'hello' };
const SIDE_TAG = 'f42-build-side-7';
const CONFIG = `
downstream_package_name: hello
jobs:
  - job: koji_build
    trigger: commit
    dist_git_branches: [f42]
    allowed_committers: [maintainer]
    allowed_pr_authors: [contributor]
  - {job: bodhi_update, trigger: koji_build, dist_git_branches: [f42], manual_trigger: true}
  - {job: pull_from_upstream, trigger: release, dist_git_branches: [f42]}
`;
/** People on dist-git: their Pagure API tokens. maintainer owns the package; pat is a packager without commit access. */
const PEOPLE = ['packit', 'maintainer', 'contributor', 'stranger', 'pat', 'nobody', 'intruder'];
const token = (who: string) => `pagure-token-${who}`;

let stack: UpstreamStack | undefined;
let pki: TestCertificates;
let koji: FakeKoji;
let bodhi: FakeBodhi;
let anitya: FakeReleaseMonitoring;
let pagure: FakePagure;
let work: string;

/** A bus message to the scheduler's messages bridge (202 once recorded; 200 for one it does not act on). */
async function sendMessage(message: Record<string, unknown>): Promise<void> {
  if (!stack) return;
  const sent = await fetch(`${stack.scheduler.url}/webhooks/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${MESSAGES_TOKEN}` },
    body: JSON.stringify(message),
  });
  if (sent.status !== 202 && sent.status !== 200)
    throw new Error(`the messages bridge answered ${sent.status}: ${await sent.text()}`);
}

beforeAll(async () => {
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    targets: {
      f42: { buildTag: 'f42-build', destTag: 'f42-updates-candidate' },
      [SIDE_TAG]: { buildTag: SIDE_TAG, destTag: SIDE_TAG },
    },
    onMessage: sendMessage,
  });
  bodhi = await FakeBodhi.start({
    clients: { 'packflow-bodhi': { secret: 'oidc-secret', user: 'packit' } },
    buildExists: (nvr) => koji.hasBuild(nvr),
    tagBuilds: (tag) => koji.taggedNvrs(tag),
  });
  anitya = await FakeReleaseMonitoring.start();
  pagure = await FakePagure.start({
    tokens: Object.fromEntries(PEOPLE.map((p) => [token(p), p])),
    // Comments people make reach the scheduler as Pagure's bus messages (packflow's own replies too, as on the bus).
    onMessage: async (m) => {
      if (String(m.topic).endsWith('pagure.pull-request.comment.added')) await sendMessage(m);
    },
  });
  pagure.addProject('rpms/hello', {
    owner: 'maintainer',
    branches: ['rawhide', 'f42'],
    files: { '.packit.yaml': CONFIG, 'hello.spec': 'Name: hello\nVersion: 1.0\nRelease: 1%{?dist}\n' },
  });
  pagure.addGroup('packager', ['maintainer', 'pat', 'contributor']);
  work = mkdtempSync(join(tmpdir(), 'fedora-commands-e2e-'));
  stack = await startUpstreamStack(logger, {
    KOJI_HUB_URL: koji.hubUrl,
    KOJI_CERT: pki.client('packit').combinedPath,
    KOJI_SERVER_CA: pki.caPath,
    BODHI_URL: bodhi.url,
    BODHI_OIDC_TOKEN_URL: bodhi.tokenUrl,
    BODHI_CLIENT_ID: 'packflow-bodhi',
    BODHI_CLIENT_SECRET: 'oidc-secret',
    PAGURE_URL: pagure.url,
    PAGURE_TOKEN: token('packit'),
    PAGURE_GIT_URL: pagure.gitUrl('').replace(/\/\.git$/, ''),
    DOWNSTREAM_WORK_DIR: join(work, 'downstream'),
    RELEASE_MONITORING_URL: anitya.url,
  });
});

afterAll(async () => {
  await stack?.close();
  await Promise.all([koji?.close(), bodhi?.close(), pagure?.close(), anitya?.close()]);
  pki?.remove();
  rmSync(work, { recursive: true, force: true });
});

const as = (who: string) => new PagureForge({ instanceUrl: pagure.url, token: token(who) });

/** Commits a change to `branch` of a clone of `url` and pushes it; returns the commit. */
function commitAndPush(url: string, dir: string, from: string, branch: string, text: string): string {
  const repo = new TestRepo(join(work, dir));
  execFileSync('git', ['clone', '--quiet', url, repo.dir]);
  repo.git('checkout', '--quiet', '-B', branch, `origin/${from}`);
  repo.write('notes.txt', text);
  const sha = repo.commit(text);
  repo.git('push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`);
  return sha;
}

/** A pull request into f42 by `author`, from a branch of their fork; returns its id. */
async function pullRequestBy(author: string, branch: string): Promise<number> {
  await as(author).ensureFork(HELLO);
  commitAndPush(pagure.gitUrl('rpms/hello', author), `${author}-${branch}`, 'f42', branch, `${author}: ${branch}`);
  const pr = await as(author).createPullRequest(HELLO, {
    title: `${branch} by ${author}`,
    body: '',
    targetBranch: 'f42',
    sourceBranch: branch,
    forkOwner: author,
  });
  return pr.id;
}

/** A push to dist-git as Pagure announces it (the `pagure.git.receive` fixture's keys). */
async function pushed(sha: string, agent: string, pullRequest?: number): Promise<void> {
  await sendMessage({
    agent,
    branch: 'f42',
    end_commit: sha,
    total_commits: 1,
    ...(pullRequest ? { pull_request_id: pullRequest } : {}),
    repo: { namespace: 'rpms', name: 'hello', full_url: `${pagure.url}/rpms/hello` },
    topic: 'org.fedoraproject.prod.pagure.git.receive',
  });
}

const kojiTaskOf = (sha: string) => koji.buildTasks().find((t) => String(t.request[0]).endsWith(`#${sha}`));
const lastComment = (id: number) => pagure.pullRequest('rpms/hello', id).comments.at(-1);

describe('koji_build: allowed_committers and allowed_pr_authors', () => {
  it('builds a direct push by an allowed committer, and not one by anybody else', async () => {
    const refused = commitAndPush(pagure.gitUrl('rpms/hello'), 'intruder', 'f42', 'f42', 'intruder was here');
    await pushed(refused, 'intruder');
    await stack!.settled();
    expect(kojiTaskOf(refused)).toBeUndefined();

    const allowed = commitAndPush(pagure.gitUrl('rpms/hello'), 'maintainer', 'f42', 'f42', 'maintainer fix');
    await pushed(allowed, 'maintainer');
    const task = await waitFor(() => kojiTaskOf(allowed), { what: "the Koji build of maintainer's push" });
    expect(task.request[1]).toBe('f42');
    // The build's status is flagged on the dist-git commit.
    await waitFor(() => pagure.commitFlags.get(`rpms/hello@${allowed}`)?.some((f) => f.status === 'pending'), {
      what: 'the koji-build flag on the pushed commit',
    });
  });

  it('builds a merged pull request by an allowed author (found by its commit), and not one by anybody else', async () => {
    const stranger = await pullRequestBy('stranger', 'stranger-change');
    const strangerMerge = pagure.mergePullRequest('rpms/hello', stranger, 'maintainer');
    await pushed(strangerMerge, 'pagure', stranger);
    await stack!.settled();
    expect(kojiTaskOf(strangerMerge)).toBeUndefined();

    const contributor = await pullRequestBy('contributor', 'contributor-change');
    const merged = pagure.mergePullRequest('rpms/hello', contributor, 'maintainer');
    // No pull_request_id in the message: the pull request is the merged one whose head is the commit.
    await pushed(merged, 'pagure');
    const task = await waitFor(() => kojiTaskOf(merged), {
      what: "the Koji build of contributor's merged pull request",
    });
    await koji.finishTask(task.id, 'CLOSED');
    await waitFor(
      () =>
        pagure.commitFlags
          .get(`rpms/hello@${merged}`)
          ?.some((f) => f.status === 'success' && String(f.comment).includes('succeeded')),
      { what: 'the koji-build success flag', timeoutMs: 30_000 },
    );
    // bodhi_update is manual_trigger here: nothing made an update yet.
    await stack!.settled();
    expect(bodhi.updates).toHaveLength(0);
  });
});

describe('commands on a dist-git pull request', () => {
  let pr: number;
  beforeAll(async () => {
    pr = await pullRequestBy('contributor', 'open-change');
  });

  it('/packit koji-build: a packager builds the branch the pull request targets; anybody else is refused', async () => {
    await as('nobody').comment(HELLO, { pullRequest: pr }, '/packit koji-build');
    await waitFor(() => /only Fedora packagers can run `\/packit koji-build`/.test(lastComment(pr)?.comment ?? ''), {
      what: 'the refusal',
    });
    expect(lastComment(pr)).toMatchObject({ user: 'packit' });
    expect(lastComment(pr)!.comment).toContain('(your role: not a packager)');

    const before = koji.buildTasks().length;
    const head = pagure.git.head('rpms/hello', 'f42')!;
    await as('pat').comment(HELLO, { pullRequest: pr }, `/packit koji-build --koji-target ${SIDE_TAG}`);
    const task = await waitFor(
      () =>
        koji
          .buildTasks()
          .slice(before)
          .find((t) => t.request[1] === SIDE_TAG),
      {
        what: 'the Koji build in the side tag',
      },
    );
    // The branch's head is built (not the pull request's own commit), as Packit's fedpkg build of the branch.
    expect(task.request[0]).toBe(`git+${pagure.url}/rpms/hello.git#${head}`);
    expect(koji.buildTasks().slice(before)).toHaveLength(1);
  });

  it('/packit create-update: a packager with commit access gets the update of the latest build; others are refused', async () => {
    await as('pat').comment(HELLO, { pullRequest: pr }, '/packit create-update');
    await waitFor(
      () =>
        /only Fedora packagers with write access to rpms\/hello can run `\/packit create-update`/.test(
          lastComment(pr)?.comment ?? '',
        ),
      { what: 'the refusal of a packager without commit access' },
    );
    expect(bodhi.updates).toHaveLength(0);

    await as('maintainer').comment(HELLO, { pullRequest: pr }, '/packit create-update');
    const latest = koji.taggedNvrs('f42-updates-candidate')!.at(-1)!;
    const update = await waitFor(() => bodhi.updates.find((u) => u.builds.some((b) => b.nvr === latest)), {
      what: 'the Bodhi update of the latest f42 build',
      timeoutMs: 30_000,
    });
    expect(update.release.name).toBe('F42');
    await stack!.settled();
    expect(bodhi.updates).toHaveLength(1);
  });

  it('/packit pull-from-upstream: lands the latest version release-monitoring.org knows, or --version; packagers only', async () => {
    const versions = async () =>
      (
        await stack!.db
          .pool()
          .query<{ version: string }>(
            `select options->>'version' as version from shared.pipeline_steps where job = 'pull_from_upstream' order by id`,
          )
      ).rows.map((r) => r.version);

    // Anitya has no project for the package yet: nothing to land, and the reply says so.
    await as('pat').comment(HELLO, { pullRequest: pr }, '/packit pull-from-upstream');
    await waitFor(() => /could not tell the latest upstream release of hello/.test(lastComment(pr)?.comment ?? ''), {
      what: 'the reply',
    });
    expect(await versions()).toEqual([]);

    await as('stranger').comment(HELLO, { pullRequest: pr }, '/packit pull-from-upstream --version 2.0');
    await waitFor(
      () => /only Fedora packagers can run `\/packit pull-from-upstream`/.test(lastComment(pr)?.comment ?? ''),
      {
        what: 'the refusal',
      },
    );

    // The project mapped to the Fedora package: its latest version.
    anitya.addProject('hello-upstream', ['2.1', '2.0'], { fedora: 'hello' });
    await as('pat').comment(HELLO, { pullRequest: pr }, '/packit pull-from-upstream');
    await waitFor(async () => ((await versions()).length === 1 ? true : undefined), {
      what: 'the pull_from_upstream step',
    });
    expect(await versions()).toEqual(['2.1']);
    expect(anitya.requests.map((r) => r.path)).toContain('/api/project/Fedora/hello');

    await as('pat').comment(HELLO, { pullRequest: pr }, '/packit pull-from-upstream --version 2.0');
    await waitFor(async () => ((await versions()).length === 2 ? true : undefined), {
      what: 'the second pull_from_upstream step',
    });
    expect(await versions()).toEqual(['2.1', '2.0']);
  });

  it('/packit help lists the dist-git commands', async () => {
    await as('nobody').comment(HELLO, { pullRequest: pr }, '/packit help');
    await waitFor(() => /On a Fedora dist-git pull request/.test(lastComment(pr)?.comment ?? ''), { what: 'the help' });
    expect(lastComment(pr)!.comment).toContain('/packit create-update');
  });
});

describe('Fedora commands upstream', () => {
  const REPO = 'acme/hello';
  const SHA = 'c0ffee'.padEnd(40, '0');
  /** Packit's issue about a failed Fedora job (the retrigger fixture), about this run's dist-git and f42. */
  const retriggerIssue = (fixture: string) => {
    const payload = JSON.parse(
      readFileSync(new URL(`../../shared/fixtures/webhooks/github/${fixture}`, import.meta.url), 'utf8'),
    ) as { issue: { title: string; body: string }; comment: { body: string } };
    const body = payload.issue.body
      .replace('https://src.fedoraproject.org/rpms/python-teamcity-messages', `${pagure.url}/rpms/hello`)
      .replace('`f37`', '`f42`');
    return { issue: { title: payload.issue.title, body }, command: payload.comment.body };
  };
  const issueComments = (issue: number) =>
    stack!.github.comments.filter((c) => c.repo === REPO && c.issueNumber === issue).map((c) => c.body);

  beforeAll(() => {
    stack!.github.setPermission(REPO, 'maintainer', 'write');
    stack!.github.setPermission(REPO, 'drive-by', 'read');
  });

  it('/packit koji-build on an upstream issue builds the branches it names, for people with write access only', async () => {
    const { issue, command } = retriggerIssue('repository_issue_comment_retrigger_koji_build.json');
    expect(command).toBe('/packit koji-build');
    await stack!.github.emitIssueComment(REPO, 1, command, { sender: 'drive-by', pullRequest: false, issue });
    await waitFor(() => issueComments(1).some((b) => /only people with write access/.test(b)), {
      what: 'the refusal on the issue',
    });

    const before = koji.buildTasks().length;
    const head = pagure.git.head('rpms/hello', 'f42')!;
    await stack!.github.emitIssueComment(REPO, 1, command, { sender: 'maintainer', pullRequest: false, issue });
    const task = await waitFor(
      () =>
        koji
          .buildTasks()
          .slice(before)
          .find((t) => t.request[1] === 'f42'),
      {
        what: 'the Koji build of f42',
      },
    );
    expect(task.request[0]).toBe(`git+${pagure.url}/rpms/hello.git#${head}`);
  });

  it('/packit create-update on an upstream issue takes the latest build of the branch (no second update of it)', async () => {
    const { issue, command } = retriggerIssue('repository_issue_comment_retrigger_bodhi_update.json');
    expect(command).toBe('/packit create-update');
    await stack!.github.emitIssueComment(REPO, 2, command, { sender: 'maintainer', pullRequest: false, issue });
    await waitFor(
      async () =>
        (
          await stack!.db
            .pool()
            .query(`select 1 from shared.pipeline_steps where job = 'bodhi_update' and status = 'success'`)
        ).rows.length === 2,
      { what: 'the second bodhi_update step to succeed', timeoutMs: 30_000 },
    );
    expect(bodhi.updates).toHaveLength(1);
  });

  it('/packit upstream-koji-build on a pull request runs for people with write access only, with --koji-target', async () => {
    stack!.github.setFile(
      REPO,
      SHA,
      '.packit.yaml',
      'jobs:\n  - {job: upstream_koji_build, trigger: pull_request, targets: [f42], scratch: true}\n',
    );
    stack!.github.setPullRequestFiles(REPO, 4, [{ filename: 'hello.c' }]);
    await stack!.github.emitPullRequest(REPO, { number: 4, headSha: SHA, sender: 'maintainer' });
    const kojiSteps = async () =>
      (
        await stack!.db
          .pool()
          .query<{ options: Record<string, unknown> }>(
            `select options from shared.pipeline_steps where job = 'upstream_koji_build' order by id`,
          )
      ).rows;
    await waitFor(async () => (await kojiSteps()).length === 1, { what: "the pull request's upstream Koji build" });

    await stack!.github.emitIssueComment(REPO, 4, '/packit upstream-koji-build', { sender: 'drive-by' });
    await waitFor(() => issueComments(4).some((b) => /only people with write access/.test(b)), {
      what: 'the refusal on the pull request',
    });
    await stack!.settled();
    expect(await kojiSteps()).toHaveLength(1);

    await stack!.github.emitIssueComment(REPO, 4, `/packit upstream-koji-build --koji-target ${SIDE_TAG}`, {
      sender: 'maintainer',
    });
    await waitFor(async () => (await kojiSteps()).length === 2, { what: 'the upstream Koji build of the command' });
    expect((await kojiSteps())[1].options).toMatchObject({ koji_target: SIDE_TAG });

    // On an issue, the command builds the latest release (the release's upstream Koji build).
    const RELEASE_SHA = 'be1ea5e'.padEnd(40, '0');
    stack!.github.setRelease(REPO, 'v1.1', RELEASE_SHA);
    stack!.github.setFile(
      REPO,
      RELEASE_SHA,
      '.packit.yaml',
      'jobs:\n  - {job: upstream_koji_build, trigger: release, targets: [f42], scratch: true}\n',
    );
    await stack!.github.emitIssueComment(REPO, 6, '/packit upstream-koji-build', {
      sender: 'maintainer',
      pullRequest: false,
    });
    await waitFor(async () => (await kojiSteps()).length === 3, { what: 'the upstream Koji build of the release' });
    expect((await kojiSteps())[2].options).toMatchObject({ upstream_tag: 'v1.1' });
  });
});
