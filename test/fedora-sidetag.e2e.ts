// Side tags and Bodhi updates of builds packflow did not make, end to end: the scheduler
// and the upstream worker as separate apps on real PostgreSQL, NATS and RabbitMQ; fake
// Pagure (dist-git over file://), Koji and Bodhi reached through the real clients; Koji's
// messages (task, build and `buildsys.tag`) published on the broker as fedora-messaging
// does. Every wait is for a condition.
//
// - Packit's "releasing multiple packages" setup: foo's koji_build (sidetag_group
//   `foo-bar`, dependents [bar]) builds into a side tag made for the group and branch; its
//   build tagged there starts bar's koji_build into the same side tag; bar's build tagged
//   there makes the group's one Bodhi update, from the side tag; foo tagged again does not
//   build bar's commit again (it is in the side tag already); a newer bar built into the
//   side tag edits that update (Bodhi takes one update per side tag).
// - A maintainer's own Koji build of a package whose dist-git config has bodhi_update and
//   names them among allowed_builders (by name, or by the all_admins alias) gets its update,
//   once even when Koji's message comes again; a package that does not name them gets none.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KojiClient } from '@packflow/clients';
import { FakeBodhi, FakeKoji } from '@packflow/clients/testing';
import { createLogger } from '@packflow/core';
import { FakePagure } from '@packflow/forges/testing';
import { createTestCertificates, waitFor, type TestCertificates } from '@packflow/testing';
import { fedoraBus } from './support/fedora-bus.js';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });
const DIST_GIT = 'https://src.fedoraproject.org';
const FOO = `
downstream_package_name: foo
jobs:
  - {job: koji_build, trigger: commit, sidetag_group: foo-bar, dependents: [bar], dist_git_branches: [f42], allowed_committers: [maintainer]}
`;
const BAR = `
downstream_package_name: bar
jobs:
  - {job: koji_build, trigger: koji_build, sidetag_group: foo-bar, dist_git_branches: [f42]}
  - {job: bodhi_update, trigger: koji_build, sidetag_group: foo-bar, dependencies: [foo], dist_git_branches: [f42]}
`;
const update = (pkg: string, builders?: string) => `
downstream_package_name: ${pkg}
jobs:
  - {job: koji_build, trigger: commit, dist_git_branches: [f42]}
  - {job: bodhi_update, trigger: commit, dist_git_branches: [f42]${builders ? `, allowed_builders: [${builders}]` : ''}}
`;

const bus = fedoraBus();
let stack: UpstreamStack;
let pki: TestCertificates;
let koji: FakeKoji;
let bodhi: FakeBodhi;
let pagure: FakePagure;

beforeAll(async () => {
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    users: ['packit', 'maintainer'],
    targets: { f42: { buildTag: 'f42-build', destTag: 'f42-updates-candidate' } },
    onMessage: bus.publish,
  });
  bodhi = await FakeBodhi.start({
    clients: { 'packflow-bodhi': { secret: 'oidc-secret', user: 'packit' } },
    buildExists: (nvr) => koji.hasBuild(nvr),
    tagBuilds: (tag) => koji.taggedNvrs(tag),
  });
  pagure = await FakePagure.start({ tokens: { 'pagure-token': 'packit' } });
  const files = {
    foo: FOO,
    bar: BAR,
    baz: update('baz', 'maintainer'),
    qux: update('qux'),
    quux: update('quux', 'all_admins'),
  };
  for (const [name, config] of Object.entries(files))
    pagure.addProject(`rpms/${name}`, {
      owner: 'maintainer',
      branches: ['rawhide', 'f42'],
      files: { '.packit.yaml': config },
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
      PAGURE_GIT_URL: pagure.gitUrl('').replace(/\/\.git$/, ''),
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
  await bus.remove();
  await Promise.all([koji?.close(), bodhi?.close(), pagure?.close()]);
  pki?.remove();
});

const source = (pkg: string) => `git+${DIST_GIT}/rpms/${pkg}.git#${pagure.git.head(`rpms/${pkg}`, 'f42')!}`;
const buildOf = (pkg: string) =>
  waitFor(() => koji.buildTasks().find((t) => t.request[0] === source(pkg)), {
    what: `the Koji build of ${pkg}`,
    timeoutMs: 30_000,
  });
const updatesOf = (nvr: string) => bodhi.updates.filter((u) => u.builds.some((b) => b.nvr === nvr));

describe('a sidetag group, end to end', () => {
  it("builds foo into the group's side tag, then its dependent bar, and makes one update from the side tag", async () => {
    await bus.publish({
      agent: 'maintainer',
      branch: 'f42',
      end_commit: pagure.git.head('rpms/foo', 'f42')!,
      total_commits: 1,
      repo: { namespace: 'rpms', name: 'foo' },
      topic: 'org.fedoraproject.prod.pagure.git.receive',
    });
    const foo = await buildOf('foo');
    const sidetag = String(foo.request[1]);
    expect(sidetag).toMatch(/^f42-build-side-\d+$/);
    expect(koji.tags.get(sidetag)?.sideTagOwner).toBe('packit');
    const { rows } = await stack.db
      .pool()
      .query<{ name: string; dist_git_branch: string; koji_name: string }>(
        `select g.name, s.dist_git_branch, s.koji_name from upstream.sidetags s join upstream.sidetag_groups g on g.id = s.sidetag_group_id`,
      );
    expect(rows).toEqual([{ name: 'foo-bar', dist_git_branch: 'f42', koji_name: sidetag }]);

    // foo is tagged into the side tag: bar, its dependent, is built into the same one.
    const fooSent = await koji.finishTask(foo.id, 'CLOSED');
    const bar = await buildOf('bar');
    expect(bar.request[1]).toBe(sidetag);
    await stack.settled();
    expect(bodhi.updates).toHaveLength(0);
    // Koji says foo is tagged again while bar builds: bar's build is under way, none is added.
    const fooTagged = fooSent.find((d) => d.payload.topic === 'org.fedoraproject.prod.buildsys.tag')!.payload;
    const recorded = async (id: string) =>
      (await stack.db.pool().query(`select 1 from shared.events where delivery_id = $1`, [id])).rows.length === 1;
    const whileBuilding = `${String(fooTagged.id)}-while-bar-builds`;
    await bus.publish({ ...fooTagged, id: whileBuilding });
    await waitFor(() => recorded(whileBuilding), { what: "foo's tag message again", timeoutMs: 30_000 });
    await stack.settled();
    expect(koji.buildTasks()).toHaveLength(2);

    // bar is tagged too: every package the update waits for is there.
    await koji.finishTask(bar.id, 'CLOSED');
    const made = await waitFor(() => updatesOf('bar-1.0-1.fc42')[0], { what: 'the Bodhi update', timeoutMs: 30_000 });
    expect(made.from_tag).toBe(sidetag);
    expect(made.builds.map((b) => b.nvr).sort()).toEqual(['bar-1.0-1.fc42', 'foo-1.0-1.fc42']);
    await stack.settled();
    expect(bodhi.updates).toHaveLength(1);
    expect(koji.buildTasks()).toHaveLength(2);

    // Koji says foo is tagged again (a new message): bar's commit is in the side tag already,
    // so it is not built again (Koji would refuse its NVR); its update is the one there is.
    await bus.publish({ ...fooTagged, id: `${String(fooTagged.id)}-again` });
    const barEvents = async () =>
      (
        await stack.db
          .pool()
          .query<{ id: string }>(`select id::text from shared.events where delivery_id like 'koji.tag:%:bar'`)
      ).rows;
    await waitFor(async () => (await barEvents()).length === 2, {
      what: "bar's second side tag event",
      timeoutMs: 30_000,
    });
    await stack.settled();
    expect(koji.buildTasks()).toHaveLength(2);
    expect(bodhi.updates).toHaveLength(1);
    const { rows: jobs } = await stack.db.pool().query<{ job: string }>(
      `select s.job from shared.pipeline_steps s join shared.pipelines p on p.id = s.pipeline_id
        where p.event_id = $1`,
      [(await barEvents()).at(-1)!.id],
    );
    expect(jobs.map((j) => j.job)).toEqual(['bodhi_update']);

    // A newer bar is built into the side tag: the side tag's one update is edited to take it.
    const packit = new KojiClient({
      hubUrl: koji.hubUrl,
      auth: { kind: 'certificate', certPath: pki.client('packit').combinedPath },
      serverCaPath: pki.caPath,
    });
    const srpm = await packit.uploadSrpm('bar-1.1-1.fc42.src.rpm', Buffer.from('bar 1.1'));
    await koji.finishTask(await packit.build(srpm, sidetag), 'CLOSED');
    await waitFor(() => made.builds.some((b) => b.nvr === 'bar-1.1-1.fc42'), {
      what: 'the update edited to the newer bar',
      timeoutMs: 30_000,
    });
    await stack.settled();
    expect(bodhi.updates).toHaveLength(1);
    expect(made.builds.map((b) => b.nvr).sort()).toEqual(['bar-1.1-1.fc42', 'foo-1.0-1.fc42']);
  });
});

describe("a maintainer's own Koji build, end to end", () => {
  const maintainer = () =>
    new KojiClient({
      hubUrl: koji.hubUrl,
      auth: { kind: 'certificate', certPath: pki.client('maintainer').combinedPath },
      serverCaPath: pki.caPath,
    });

  it('gets its Bodhi update once when the package names them in allowed_builders, and none otherwise', async () => {
    const client = maintainer();
    const baz = await client.build(source('baz'), 'f42');
    const qux = await client.build(source('qux'), 'f42');
    const sent = [...(await koji.finishTask(baz, 'CLOSED')), ...(await koji.finishTask(qux, 'CLOSED'))];
    const made = await waitFor(() => updatesOf('baz-1.0-1.fc42')[0], {
      what: "the update of the maintainer's build",
      timeoutMs: 30_000,
    });
    expect(made.builds.map((b) => b.nvr)).toEqual(['baz-1.0-1.fc42']);
    // allowed_builders read as Packit reads it: the maintainer owns quux, so all_admins names them.
    await koji.finishTask(await client.build(source('quux'), 'f42'), 'CLOSED');
    await waitFor(() => updatesOf('quux-1.0-1.fc42')[0], { what: "the update of quux's build", timeoutMs: 30_000 });

    // Koji's build message again, as a new message: the update exists, none is made again.
    const creations = () => bodhi.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/updates')).length;
    const asked = creations();
    const finished = (pkg: string) =>
      sent.find(
        (d) =>
          d.payload.topic === 'org.fedoraproject.prod.buildsys.build.state.change' &&
          (d.payload.body as { name: string }).name === pkg,
      )!.payload;
    const again = `${String(finished('baz').id)}-again`;
    await bus.publish({ ...finished('baz'), id: again });
    // Both messages (qux's, baz's again) are recorded before settling counts.
    await waitFor(
      async () => {
        const { rows } = await stack.db
          .pool()
          .query(`select 1 from shared.events where delivery_id = any($1)`, [[again, String(finished('qux').id)]]);
        return rows.length === 2;
      },
      { what: 'the messages recorded', timeoutMs: 30_000 },
    );
    await stack.settled();
    expect(updatesOf('baz-1.0-1.fc42')).toHaveLength(1);
    expect(updatesOf('qux-1.0-1.fc42')).toHaveLength(0);
    // Bodhi was not asked again: the second pipeline found the update and took it as its own.
    expect(creations()).toBe(asked);
    const { rows: targets } = await stack.db.pool().query<{ status: string; external_id: string }>(
      `select t.status, t.external_id from upstream.job_run_targets t
         join upstream.pipeline_step_job_run_targets l on l.job_run_target_id = t.id
         join shared.pipeline_steps s on s.id = l.step_id
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.projects pr on pr.id = p.project_id where pr.repo = 'baz'`,
    );
    expect(new Set(targets.map((t) => `${t.status} ${t.external_id}`))).toEqual(new Set([`success ${made.alias}`]));
    const { rows } = await stack.db.pool().query<{ repo: string; n: number }>(
      `select pr.repo, count(*)::int as n from shared.pipelines p join shared.projects pr on pr.id = p.project_id
          where pr.repo in ('baz', 'qux') group by pr.repo`,
    );
    expect(rows).toEqual([{ repo: 'baz', n: 2 }]);
  });
});
