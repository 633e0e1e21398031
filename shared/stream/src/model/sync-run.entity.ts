import { EntitySchema } from '@mikro-orm/core';
import {
  createdAtColumn,
  idColumn,
  optionalTextColumn,
  optionalTimeColumn,
  textColumn,
  Event,
  Project,
  type TargetStatus,
} from '@packflow/core';

/** One dist-git -> source-git sync: a dist-git update brought back as a source-git MR. */
export class SyncRun {
  id!: string;
  distGitProject!: Project;
  distGitSha!: string;
  branch!: string;
  sourceGitProject!: Project;
  sourceGitMr?: string | null;
  event?: Event | null;
  status!: TargetStatus;
  reason?: string | null;
  createdAt!: Date;
  finishedAt?: Date | null;
}

export const SyncRunSchema = new EntitySchema<SyncRun>({
  class: SyncRun,
  schema: 'stream',
  tableName: 'sync_runs',
  properties: {
    id: idColumn,
    distGitProject: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    distGitSha: textColumn,
    branch: textColumn,
    sourceGitProject: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    sourceGitMr: optionalTextColumn,
    event: { kind: 'm:1', entity: () => Event, nullable: true, deleteRule: 'set null' },
    status: { ...textColumn, default: 'pending' },
    reason: optionalTextColumn,
    createdAt: createdAtColumn,
    finishedAt: optionalTimeColumn,
  },
  indexes: [{ name: 'sync_runs_dist_git_index', properties: ['distGitProject', 'distGitSha'] }],
});
