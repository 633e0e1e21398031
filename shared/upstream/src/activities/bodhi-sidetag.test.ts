// bodhi_update from a side tag with the engine in the loop, on real PostgreSQL, through the
// real Koji and Bodhi clients against their fakes, as Packit makes it: the latest build of
// each package the update waits for, less those the branch has stable already (Koji's
// stable tags: the candidate tag's `-updates` and plain ancestors), and one update per side
// tag: a newer build tagged since edits it, nothing new adopts it, nothing newer than
// stable ends in error without asking Bodhi.
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Plan } from '@packflow/config';
import { bodhiUpdateActivity } from './bodhi.activities.js';
import { fedoraFixture } from './fedora.fixture.js';

const f = fedoraFixture({
  targets: { f42: { buildTag: 'f42-build', destTag: 'f42-updates-candidate' } },
  inheritance: { 'f42-updates-candidate': ['f42-updates'], 'f42-updates': ['f42'] },
});
let ctx: { projectId: string; commitId: string; trigger: string };
let sidetag: string;
let n = 0;

const engine = () =>
  f.newEngine({
    jobs: { bodhi_update: bodhiUpdateActivity({ koji: f.kojiClient(), bodhi: f.bodhiClient() }) },
  });

/** A finished Koji build of this NVR into a target (a side tag's is the side tag). */
async function built(nvr: string, target: string): Promise<void> {
  const client = f.kojiClient();
  const path = await client.uploadSrpm(`${nvr}.src.rpm`, Buffer.from(nvr));
  await f.koji.finishTask(await client.build(path, target), 'CLOSED');
}
async function tagged(nvr: string, tag: string): Promise<void> {
  await f.koji.finishTask(await f.kojiClient().tagBuild(tag, nvr), 'CLOSED');
}

/** app's bodhi_update of the side tag, waiting for lib. */
const plan = (app: string, lib: string): Plan => ({
  steps: [
    {
      id: `bodhi_update:${app}`,
      package: app,
      job: 'bodhi_update',
      identifier: null,
      trigger: 'koji_build',
      targets: ['f42'],
      options: { sidetag, dependencies: [lib] },
    },
  ],
  edges: [],
  skipped: [],
});

async function run(app: string, lib: string) {
  const e = engine();
  const id = await e.start(plan(app, lib), ctx);
  await e.idle();
  return (await e.getState(id)).steps[0].targets[0];
}

beforeEach(async () => {
  ctx = await f.distGitCommit(`app${++n}`, 'f42', `${n}`.padStart(40, 'd'), 'koji_build');
  sidetag = (await f.kojiClient().createSideTag('f42-build')).name;
});

const fromTag = () => f.bodhi.updates.filter((u) => u.from_tag === sidetag);

describe('bodhi_update from a side tag', () => {
  it('leaves out a build the branch has stable already, and one older than stable', async () => {
    const [app, lib, old] = [`app${n}`, `lib${n}`, `old${n}`];
    // lib 1.2 went stable (f42-updates); 1.2 and an older 1.1 were tagged into the side tag
    // to satisfy app's dependency; old 3.0 is in the base tag (f42), the side tag has 2.0.
    await built(`${lib}-1.2-1.fc42`, 'f42');
    await tagged(`${lib}-1.2-1.fc42`, 'f42-updates');
    await built(`${lib}-1.1-1.fc42`, 'f42');
    for (const nvr of [`${lib}-1.1-1.fc42`, `${lib}-1.2-1.fc42`]) await tagged(nvr, sidetag);
    await built(`${old}-3.0-1.fc42`, 'f42');
    await tagged(`${old}-3.0-1.fc42`, 'f42');
    await built(`${old}-2.0-1.fc42`, sidetag);
    await built(`${app}-1.0-1.fc42`, sidetag);

    expect(await run(app, lib)).toMatchObject({ status: 'success' });
    expect(fromTag().map((u) => u.builds.map((b) => b.nvr))).toEqual([[`${app}-1.0-1.fc42`]]);
    const second = await run(app, old);
    expect(second).toMatchObject({ status: 'success', externalId: fromTag()[0].alias });
    expect(fromTag().map((u) => u.builds.map((b) => b.nvr))).toEqual([[`${app}-1.0-1.fc42`]]);
  });

  it('edits the side tag update when a newer build is tagged since, and adopts it when nothing changed', async () => {
    const [app, lib] = [`app${n}`, `lib${n}`];
    await built(`${lib}-2.0-1.fc42`, sidetag);
    await built(`${app}-1.0-1.fc42`, sidetag);
    const first = await run(app, lib);
    expect(first).toMatchObject({ status: 'success' });
    const [made] = fromTag();
    expect(made.builds.map((b) => b.nvr).sort()).toEqual([`${app}-1.0-1.fc42`, `${lib}-2.0-1.fc42`]);

    // A newer lib in the side tag: the one update takes it (Bodhi would refuse a second).
    await built(`${lib}-2.0-2.fc42`, sidetag);
    expect(await run(app, lib)).toMatchObject({ status: 'success', externalId: made.alias });
    expect(fromTag()).toHaveLength(1);
    expect(
      fromTag()[0]
        .builds.map((b) => b.nvr)
        .sort(),
    ).toEqual([`${app}-1.0-1.fc42`, `${lib}-2.0-2.fc42`]);

    // Nothing new: the update is adopted, Bodhi is not written to.
    const writes = () => f.bodhi.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/updates')).length;
    const before = writes();
    expect(await run(app, lib)).toMatchObject({ status: 'success', externalId: made.alias });
    expect(writes()).toBe(before);
  });

  it('asks Bodhi nothing when every build in the side tag is stable already', async () => {
    const [app, lib] = [`app${n}`, `lib${n}`];
    for (const nvr of [`${lib}-1.0-1.fc42`, `${app}-1.0-1.fc42`]) {
      await built(nvr, 'f42');
      await tagged(nvr, 'f42-updates');
      await tagged(nvr, sidetag);
    }
    const writes = f.bodhi.requests.filter((r) => r.method === 'POST').length;
    expect(await run(app, lib)).toMatchObject({
      status: 'error',
      reason: `every build in side tag ${sidetag} is stable in f42 already: nothing to update`,
    });
    expect(f.bodhi.requests.filter((r) => r.method === 'POST').length).toBe(writes);
  });
});
