// The Koji side tags of sidetag groups, as Packit keeps them: one per group and dist-git
// branch, made by Koji's `createSideTag` on the build tag of the branch's target and
// reused while Koji still has it (Bodhi removes a side tag once its update is done with
// it; the next build of the group then gets a new one). The record is made before Koji is
// asked, and the name is set only if nobody set another meanwhile: two builds of a group
// starting at once share one side tag (the loser removes the one it made).
//
// A crash between Koji's `createSideTag` and recording its name leaves an empty side tag
// of packflow's that no row names. Koji caps the side tags a user may have, so a retry
// adopts such a leftover (Koji's `listSideTags` of packflow's user on the base tag: one no
// row names and nothing is tagged into yet) before making another. A leftover another
// group records first is that group's: the row keeps none and tries again.
import { ExternalServiceError } from '@packflow/core';
import type { KojiClient } from '@packflow/clients';
import type { SidetagRow, UpstreamRepository } from '../upstream.repository.js';
import { kojiTargetOf } from './koji-target.name.js';

const ATTEMPTS = 3;

export class Sidetags {
  constructor(
    private readonly koji: KojiClient,
    private readonly repository: UpstreamRepository,
  ) {}

  /** The Koji name of the group's side tag on a branch, made (or a leftover adopted) now when there is none. */
  async getOrCreate(group: string, branch: string): Promise<string> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const row = await this.repository.sidetagOf(group, branch);
      if (row.kojiName && (await this.koji.getTag(row.kojiName))) return row.kojiName;
      const baseTag = await this.buildTagOf(branch);
      const adopted = await this.leftover(baseTag);
      const name = adopted ?? (await this.koji.createSideTag(baseTag)).name;
      const recorded = await this.repository.recordSidetag(row.id, row.kojiName, name);
      if (recorded === name) return name;
      // The one made here is removed unless another group adopted it meanwhile.
      if (!adopted && !(await this.repository.sidetagByKojiName(name))) await this.koji.removeSideTag(name);
      // Another build of the group recorded one meanwhile: that one is the group's.
      if (recorded !== row.kojiName && recorded !== null) return recorded;
    }
    throw new ExternalServiceError('koji', `no side tag of group ${group} on ${branch} after ${ATTEMPTS} tries`, {
      retryable: true,
    });
  }

  /** A side tag packflow made for a group, while Koji still has it. */
  async live(kojiName: string): Promise<SidetagRow | undefined> {
    const row = await this.repository.sidetagByKojiName(kojiName);
    return row && (await this.koji.getTag(kojiName)) ? row : undefined;
  }

  private async buildTagOf(branch: string): Promise<string> {
    const targetName = kojiTargetOf(branch);
    const target = await this.koji.getBuildTarget(targetName);
    if (!target)
      throw new ExternalServiceError('koji', `Koji has no build target ${targetName} for dist-git branch ${branch}`, {
        retryable: false,
      });
    return target.buildTag;
  }

  /** An empty side tag of packflow's on this base tag that no group records (a crash's leftover), oldest first. */
  private async leftover(baseTag: string): Promise<string | undefined> {
    const me = await this.koji.whoami();
    const mine = await this.koji.listSideTags({ basetag: baseTag, user: me.name });
    for (const tag of mine.sort((a, b) => a.id - b.id)) {
      if (await this.repository.sidetagByKojiName(tag.name)) continue;
      if ((await this.koji.listTagged(tag.name)).length === 0) return tag.name;
    }
    return undefined;
  }
}
