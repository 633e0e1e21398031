// The side tags of sidetag groups on real PostgreSQL, through the real Koji client against
// the fake hub: one per group and branch, made on the build tag of the branch's target and
// reused while Koji has it, a new one once Koji removed it, one even when two builds of the
// group ask at once, the empty one a crash left adopted; and koji_build with sidetag_group
// builds into it.
import { describe, expect, it } from '@jest/globals';
import type { TargetTask } from '@packflow/engine';
import { UpstreamRepository } from '../upstream.repository.js';
import { fedoraFixture } from './fedora.fixture.js';
import { kojiBuildActivity } from './koji-build.activities.js';
import { Sidetags } from './sidetags.js';

const f = fedoraFixture({ targets: { f42: { buildTag: 'f42-build', destTag: 'f42-updates-candidate' } } });
const client = () => f.kojiClient();
const sidetags = () => new Sidetags(client(), new UpstreamRepository(f.pool));
/** Side tags Koji has now, made by packflow's account. */
const live = () => [...f.koji.tags.values()].filter((t) => t.sideTagOwner === 'packit').map((t) => t.name);

describe('Sidetags', () => {
  it("makes one side tag per group and branch on the branch target's build tag, and reuses it while Koji has it", async () => {
    const first = await sidetags().getOrCreate('grp-a', 'f42');
    expect(first).toMatch(/^f42-build-side-\d+$/);
    expect(await sidetags().getOrCreate('grp-a', 'f42')).toBe(first);
    const rawhide = await sidetags().getOrCreate('grp-a', 'rawhide');
    expect(rawhide).toMatch(/^f44-build-side-\d+$/);
    expect(await sidetags().getOrCreate('grp-b', 'f42')).not.toBe(first);
    expect(await sidetags().live(first)).toMatchObject({ group: 'grp-a', branch: 'f42', kojiName: first });
    expect(await sidetags().live('f42-build')).toBeUndefined();

    // Bodhi removed it (its update went stable): the next build of the group gets a new one.
    await client().removeSideTag(first);
    expect(await sidetags().live(first)).toBeUndefined();
    const second = await sidetags().getOrCreate('grp-a', 'f42');
    expect(second).not.toBe(first);
    expect(await sidetags().live(second)).toMatchObject({ group: 'grp-a', branch: 'f42' });
  });

  it('gives two builds of a group asking at once one side tag, and leaves no second one in Koji', async () => {
    const before = live().length;
    const names = await Promise.all([1, 2, 3].map(() => sidetags().getOrCreate('grp-race', 'f42')));
    expect(new Set(names).size).toBe(1);
    expect(live().length).toBe(before + 1);
  });

  it('a retry after a crash between createSideTag and recording it adopts the empty side tag left over', async () => {
    // Not adopted: a side tag another group records, one with a build in it, one on another base tag.
    const other = await sidetags().getOrCreate('grp-other', 'f42');
    const used = (await client().createSideTag('f42-build')).name;
    const task = await client().build('git+https://src.fedoraproject.org/rpms/tagged.git#' + 'f'.repeat(40), used);
    await f.koji.finishTask(task, 'CLOSED');
    expect(await client().listTagged(used)).toHaveLength(1);
    const rawhide = (await client().createSideTag('f44-build')).name;
    // The first attempt recorded the row, Koji made the side tag, and the worker died.
    await new UpstreamRepository(f.pool).sidetagOf('grp-crash', 'f42');
    const leftover = (await client().createSideTag('f42-build')).name;
    const before = live().length;

    const adopted = await sidetags().getOrCreate('grp-crash', 'f42');
    expect(adopted).toBe(leftover);
    expect(live().length).toBe(before);
    expect(await sidetags().live(leftover)).toMatchObject({ group: 'grp-crash', branch: 'f42' });
    expect(new Set([adopted, other, used, rawhide]).size).toBe(4);
    // Once recorded it is the group's: another group's first build makes a new one.
    const next = await sidetags().getOrCreate('grp-crash-2', 'f42');
    expect([leftover, other].includes(next)).toBe(false);
  });

  it('koji_build with sidetag_group builds with the side tag as its target, once its dependencies are there', async () => {
    const activity = kojiBuildActivity({
      koji: client(),
      kojiWebUrl: 'https://koji.example/koji',
      sidetags: sidetags(),
    });
    const task = {
      pipeline: {
        project: { instanceUrl: 'https://src.fedoraproject.org', namespace: 'rpms', repo: 'grouped' },
        commitSha: 'e'.repeat(40),
      },
      options: { sidetag_group: 'grp-build' },
      target: { target: 'f42' },
      idempotencyKey: 'try-grouped-1',
    } as unknown as TargetTask;
    const [submitted] = await activity.submit([task]);
    expect(f.koji.task(Number(submitted.externalId)).request[1]).toBe(await sidetags().getOrCreate('grp-build', 'f42'));
    const waiting = {
      ...task,
      options: { sidetag_group: 'grp-build', dependencies: ['lib'] },
      idempotencyKey: 'try-3',
    };
    await expect(activity.submit([waiting])).rejects.toThrow(/missing dependencies in side tag .*: lib/);
    const plain = kojiBuildActivity({ koji: client(), kojiWebUrl: 'https://koji.example/koji' });
    await expect(plain.submit([{ ...task, idempotencyKey: 'try-grouped-2' }])).rejects.toThrow(/side tags/);
  });
});
