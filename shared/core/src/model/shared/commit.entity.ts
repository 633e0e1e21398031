import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, textColumn } from '../columns.js';
import { Project } from './project.entity.js';
import { ProjectRef } from './project-ref.entity.js';

/** One row per (project, ref, sha): a sha reached through a PR and through a branch are two rows. */
export class Commit {
  id!: string;
  project!: Project;
  ref!: ProjectRef;
  sha!: string;
  createdAt!: Date;
}

export const CommitSchema = new EntitySchema<Commit>({
  class: Commit,
  schema: 'shared',
  tableName: 'commits',
  properties: {
    id: idColumn,
    project: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    ref: { kind: 'm:1', entity: () => ProjectRef, deleteRule: 'cascade' },
    sha: textColumn,
    createdAt: createdAtColumn,
  },
  uniques: [{ name: 'commits_unique', properties: ['project', 'ref', 'sha'] }],
  indexes: [{ name: 'commits_sha_index', properties: ['sha'] }],
});
