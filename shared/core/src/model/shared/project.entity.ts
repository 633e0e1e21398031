import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, textColumn } from '../columns.js';

export type Forge = 'github' | 'gitlab' | 'pagure';

/** A repository on a forge instance; unique per (instance, namespace, repo). */
export class Project {
  id!: string;
  forge!: Forge;
  /** e.g. `https://github.com`, `https://gitlab.com`, `https://src.fedoraproject.org`. */
  instanceUrl!: string;
  namespace!: string;
  repo!: string;
  createdAt!: Date;
}

export const ProjectSchema = new EntitySchema<Project>({
  class: Project,
  schema: 'shared',
  tableName: 'projects',
  properties: {
    id: idColumn,
    forge: textColumn,
    instanceUrl: textColumn,
    namespace: textColumn,
    repo: textColumn,
    createdAt: createdAtColumn,
  },
  uniques: [{ name: 'projects_repository_unique', properties: ['instanceUrl', 'namespace', 'repo'] }],
});
