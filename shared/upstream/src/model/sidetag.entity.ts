import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, optionalTextColumn, textColumn, updatedAtColumn } from '@packflow/core';

/**
 * A `sidetag_group` of koji_build jobs: a name the packages built together share (any
 * package may name it, as with Packit). Read and written by UpstreamRepository.
 */
export class SidetagGroup {
  id!: string;
  name!: string;
  createdAt!: Date;
}

export const SidetagGroupSchema = new EntitySchema<SidetagGroup>({
  class: SidetagGroup,
  schema: 'upstream',
  tableName: 'sidetag_groups',
  properties: {
    id: idColumn,
    name: { ...textColumn, unique: 'sidetag_groups_name_unique' },
    createdAt: createdAtColumn,
  },
});

/** The Koji side tag of a group for one dist-git branch; `kojiName` is null until Koji made it. */
export class Sidetag {
  id!: string;
  sidetagGroup!: SidetagGroup;
  distGitBranch!: string;
  kojiName?: string | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export const SidetagSchema = new EntitySchema<Sidetag>({
  class: Sidetag,
  schema: 'upstream',
  tableName: 'sidetags',
  properties: {
    id: idColumn,
    sidetagGroup: { kind: 'm:1', entity: () => SidetagGroup, deleteRule: 'cascade' },
    distGitBranch: textColumn,
    kojiName: { ...optionalTextColumn, unique: 'sidetags_koji_name_unique' },
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  },
  uniques: [{ name: 'sidetags_group_branch_unique', properties: ['sidetagGroup', 'distGitBranch'] }],
});
