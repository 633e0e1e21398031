// Fedora's downstream jobs end to end: scheduler and upstream worker as separate apps, real
// PostgreSQL, NATS and RabbitMQ, fake Pagure (dist-git), Koji and Bodhi reached through the
// real clients. A push to dist-git (its `pagure.git.receive` message, published on the
// broker as fedora-messaging publishes, consumed by the scheduler on a queue and exchange
// of this run) builds the commit in Koji; Koji's own messages about that build move the
// pipeline on, and the Bodhi update of the branch is created once. A monorepo's package
// is built in Copr only after the package it depends on was. Every wait is for a condition.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeBodhi, FakeKoji } from '@packflow/clients/testing';
import { createLogger } from '@packflow/core';
import { FakePagure } from '@packflow/forges/testing';
import { createTestCertificates, waitFor, type TestCertificates } from '@packflow/testing';
import { fedoraBus } from './support/fedora-bus.js';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });
const DIST_GIT = 'https://src.fedoraproject.org';
const CONFIG = `
downstream_package_name: hello
jobs:
  - {job: koji_build, trigger: commit, dist_git_branches: [f42], allowed_committers: [maintainer]}
  - {job: bodhi_update, trigger: koji_build, dist_git_branches: [f42]}
`;

const bus = fedoraBus();
const publish = bus.publish;

let stack: UpstreamStack;
let pki: TestCertificates;
let koji: FakeKoji;
let bodhi: FakeBodhi;
let pagure: FakePagure;

beforeAll(async () => {
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    targets: { f42: { buildTag: 'f42-build', destTag: 'f42-updates-candidate' } },
    onMessage: publish,
  });
  bodhi = await FakeBodhi.start({
    clients: { 'packflow-bodhi': { secret: 'oidc-secret', user: 'packit' } },
    buildExists: (nvr) => koji.hasBuild(nvr),
    tagBuilds: (tag) => koji.taggedNvrs(tag),
  });
  pagure = await FakePagure.start({ tokens: { 'pagure-token': 'packit' } });
  pagure.addProject('rpms/hello', {
    owner: 'maintainer',
    branches: ['rawhide', 'f42'],
    files: { '.packit.yaml': CONFIG },
  });
  stack = await startUpstreamStack(
    logger,
    {
      KOJI_HUB_URL: koji.hubUrl,
      KOJI_CERT: pki.client('packit').combinedPath,
      KOJI_SERVER_CA: pki.caPath,
      BODHI_URL: bodhi.url,
      BODHI_OIDC_TOKEN_URL: bodhi.tokenUrl,
      BODHI_CLIENT_ID: 'packflow-bodhi',
      BODHI_CLIENT_SECRET: 'oidc-secret',
      PAGURE_URL: pagure.url,
      PAGURE_TOKEN: 'pagure-token',
      PAGURE_INSTANCE_URL: DIST_GIT,
    },
    { schedulerEnv: bus.schedulerEnv },
  );
  await waitFor(
    async () => {
      const health = (await (await fetch(`${stack.scheduler.url}/healthz`)).json()) as {
        fedoraMessaging?: { state: string };
      };
      return health.fedoraMessaging?.state === 'consuming';
    },
    { what: 'the fedora-messaging consumer', timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await stack?.close();
  // This run's queue and exchange leave the shared broker with it.
  await bus.remove();
  await Promise.all([koji?.close(), bodhi?.close(), pagure?.close()]);
  pki?.remove();
});

/** A push to dist-git as fedora-messaging carries it (the `pagure.git.receive` fixture's keys). */
async function pushMessage(branch: string, sha: string): Promise<void> {
  await publish({
    agent: 'maintainer',
    branch,
    end_commit: sha,
    total_commits: 1,
    repo: { namespace: 'rpms', name: 'hello' },
    topic: 'org.fedoraproject.prod.pagure.git.receive',
  });
}

describe('a dist-git push, end to end', () => {
  it('builds the commit in Koji; the Koji build message leads to one Bodhi update of the branch', async () => {
    const sha = pagure.git.head('rpms/hello', 'f42')!;
    await pushMessage('f42', sha);

    const task = await waitFor(
      () => koji.buildTasks().find((t) => t.request[0] === `git+${DIST_GIT}/rpms/hello.git#${sha}`),
      { what: 'the Koji build of the pushed commit', timeoutMs: 30_000 },
    );
    expect(task.request[1]).toBe('f42');
    expect((task.request[2] as Record<string, unknown>).scratch).toBeUndefined();

    // Koji builds it and says so on the bus: task and build messages to the scheduler.
    await koji.finishTask(task.id, 'CLOSED');
    const update = await waitFor(() => bodhi.updates.find((u) => u.builds.some((b) => b.nvr === 'hello-1.0-1.fc42')), {
      what: 'the Bodhi update',
      timeoutMs: 30_000,
    });
    expect(update.release.name).toBe('F42');
    await stack.settled();
    expect(bodhi.updates.filter((u) => u.builds.some((b) => b.nvr === 'hello-1.0-1.fc42'))).toHaveLength(1);
    expect(koji.buildTasks()).toHaveLength(1);

    // The results are flagged on the dist-git commit.
    const flags = await waitFor(() => pagure.commitFlags.get(`rpms/hello@${sha}`), { what: 'commit flags' });
    expect(flags.length).toBeGreaterThan(0);
  });
});

describe('a monorepo pull request, end to end', () => {
  const REPO = 'acme/mono';
  const SHA = 'a0b1c2'.padEnd(40, '0');
  const CHROOT = 'fedora-42-x86_64';
  /** The Copr build id of each package's SRPM build, as packflow recorded them. */
  const srpmBuilds = async () => {
    const { rows } = await stack.db.pool().query<{ package: string; external_id: string | null }>(
      `select s.package, b.external_id from shared.pipeline_steps s
         join upstream.pipeline_step_srpm_builds l on l.step_id = s.id
         join upstream.srpm_builds b on b.id = l.srpm_build_id
        where s.job = 'srpm_build' and b.external_id is not null`,
    );
    return Object.fromEntries(rows.map((r) => [r.package, Number(r.external_id)]));
  };

  it('builds package b first, and package a (which depends on b) only after b succeeded', async () => {
    stack.github.setFile(
      REPO,
      SHA,
      '.packit.yaml',
      `packages:
  b: {specfile_path: b/b.spec}
  a: {specfile_path: a/a.spec, depends: [b]}
jobs:
  - {job: copr_build, trigger: pull_request, targets: [fedora-42]}
`,
    );
    stack.github.setPullRequestFiles(REPO, 3, [{ filename: 'a/a.c' }, { filename: 'b/b.c' }]);
    stack.github.setPermission(REPO, 'maintainer', 'write');
    const sent = await stack.github.emitPullRequest(REPO, { number: 3, headSha: SHA, sender: 'maintainer' });
    expect(sent.status).toBe(202);

    const first = await waitFor(async () => (await srpmBuilds()).b, { what: "b's SRPM build", timeoutMs: 30_000 });
    await stack.settled();
    expect(Object.keys(await srpmBuilds())).toEqual(['b']);
    expect(stack.copr.builds.size).toBe(1);

    // b's SRPM alone is not enough: a waits for b's RPMs.
    await stack.copr.startBuild(first, 'srpm-builds');
    await stack.copr.finishBuild(first, 'srpm-builds', 'succeeded');
    await stack.copr.startBuild(first, CHROOT);
    await stack.settled();
    expect(Object.keys(await srpmBuilds())).toEqual(['b']);

    await stack.copr.finishBuild(first, CHROOT, 'succeeded');
    const second = await waitFor(async () => (await srpmBuilds()).a, { what: "a's SRPM build", timeoutMs: 30_000 });
    expect(second).not.toBe(first);
    expect(stack.copr.builds.get(second)!.chroots.has(CHROOT)).toBe(true);
  });
});
