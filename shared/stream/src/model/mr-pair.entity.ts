import { EntitySchema } from '@mikro-orm/core';
import {
  createdAtColumn,
  idColumn,
  optionalTextColumn,
  textColumn,
  updatedAtColumn,
  PipelineStep,
  Project,
} from '@packflow/core';

/** A source-git merge request and the dist-git merge request packflow opened for it. */
export class MrPair {
  id!: string;
  sourceGitProject!: Project;
  sourceGitMr!: string;
  distGitProject!: Project;
  distGitMr?: string | null;
  /** The branch both merge requests target (`c9s`, `c10s`…). */
  targetBranch?: string | null;
  /** The branch of the identity's fork of dist-git the converted change is pushed to. */
  forkBranch?: string | null;
  /** The source-git head last converted, and the dist-git commit it became. */
  sourceGitSha?: string | null;
  distGitSha?: string | null;
  /** `open`, `merged`, `closed`. */
  state!: string;
  /** The step that last synced the pair, if any. */
  step?: PipelineStep | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const MrPairSchema = new EntitySchema<MrPair>({
  class: MrPair,
  schema: 'stream',
  tableName: 'mr_pairs',
  properties: {
    id: idColumn,
    sourceGitProject: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    sourceGitMr: textColumn,
    distGitProject: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    distGitMr: optionalTextColumn,
    targetBranch: optionalTextColumn,
    forkBranch: optionalTextColumn,
    sourceGitSha: optionalTextColumn,
    distGitSha: optionalTextColumn,
    state: { ...textColumn, default: 'open' },
    step: { kind: 'm:1', entity: () => PipelineStep, nullable: true, deleteRule: 'set null' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
  uniques: [{ name: 'mr_pairs_source_git_unique', properties: ['sourceGitProject', 'sourceGitMr'] }],
  indexes: [{ name: 'mr_pairs_dist_git_index', properties: ['distGitProject', 'distGitMr'] }],
});
