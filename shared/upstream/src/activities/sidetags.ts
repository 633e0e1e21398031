// The Koji side tags of sidetag groups, as Packit keeps them: one per group and dist-git
// branch, made by Koji's `createSideTag` on the build tag of the branch's target and
// reused while Koji still has it (Bodhi removes a side tag once its update is done with
// it; the next build of the group then gets a new one). The record is made before Koji is
// asked, and the name is set only if nobody set another meanwhile: two builds of a group
// starting at once share one side tag (the loser removes the one it made).
import { ExternalServiceError } from '@packflow/core';
import type { KojiClient } from '@packflow/clients';
import type { SidetagRow, UpstreamRepository } from '../upstream.repository.js';
import { kojiTargetOf } from './koji-build.activities.js';

export class Sidetags {
  constructor(
    private readonly koji: KojiClient,
    private readonly repository: UpstreamRepository,
  ) {}

  /** The Koji name of the group's side tag on a branch, made now when there is none. */
  async getOrCreate(group: string, branch: string): Promise<string> {
    const row = await this.repository.sidetagOf(group, branch);
    if (row.kojiName && (await this.koji.getTag(row.kojiName))) return row.kojiName;
    const targetName = kojiTargetOf(branch);
    const target = await this.koji.getBuildTarget(targetName);
    if (!target)
      throw new ExternalServiceError('koji', `Koji has no build target ${targetName} for dist-git branch ${branch}`, {
        retryable: false,
      });
    const made = await this.koji.createSideTag(target.buildTag);
    const recorded = await this.repository.recordSidetag(row.id, row.kojiName, made.name);
    if (recorded !== made.name) await this.koji.removeSideTag(made.name);
    return recorded;
  }

  /** A side tag packflow made for a group, while Koji still has it. */
  async live(kojiName: string): Promise<SidetagRow | undefined> {
    const row = await this.repository.sidetagByKojiName(kojiName);
    return row && (await this.koji.getTag(kojiName)) ? row : undefined;
  }
}
