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
    state: { ...textColumn, default: 'open' },
    step: { kind: 'm:1', entity: () => PipelineStep, nullable: true, deleteRule: 'set null' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
  uniques: [{ name: 'mr_pairs_source_git_unique', properties: ['sourceGitProject', 'sourceGitMr'] }],
  indexes: [{ name: 'mr_pairs_dist_git_index', properties: ['distGitProject', 'distGitMr'] }],
});
