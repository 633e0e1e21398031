import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, textColumn } from '../columns.js';
import { Project } from './project.entity.js';

/**
 * What an event happened on. `commit` is a bare commit reached without a branch
 * (commit comments); `release` covers tags too.
 */
export type RefKind = 'pull_request' | 'branch' | 'release' | 'issue' | 'commit';

export class ProjectRef {
  id!: string;
  project!: Project;
  kind!: RefKind;
  /** PR/MR/issue number, branch name, tag name, or the sha for `commit`. */
  name!: string;
  createdAt!: Date;
}

export const ProjectRefSchema = new EntitySchema<ProjectRef>({
  class: ProjectRef,
  schema: 'shared',
  tableName: 'project_refs',
  properties: {
    id: idColumn,
    project: { kind: 'm:1', entity: () => Project, deleteRule: 'cascade' },
    kind: textColumn,
    name: textColumn,
    createdAt: createdAtColumn,
  },
  uniques: [{ name: 'project_refs_unique', properties: ['project', 'kind', 'name'] }],
});
