import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, optionalTextColumn, TargetRow, targetColumns, targetIndexes } from '@packflow/core';
import { SrpmBuild } from './srpm-build.entity.js';

/** A Copr build of one SRPM in one Copr project: the group of its chroot builds. */
export class CoprBuild {
  id!: string;
  srpmBuild?: SrpmBuild | null;
  owner?: string | null;
  projectName?: string | null;
  createdAt!: Date;
}

export const CoprBuildSchema = new EntitySchema<CoprBuild>({
  class: CoprBuild,
  schema: 'upstream',
  tableName: 'copr_builds',
  properties: {
    id: idColumn,
    srpmBuild: { kind: 'm:1', entity: () => SrpmBuild, nullable: true, deleteRule: 'set null' },
    owner: optionalTextColumn,
    projectName: optionalTextColumn,
    createdAt: createdAtColumn,
  },
});

/** One chroot of a Copr build. A rerun of one chroot adds a row with the next attempt. */
export class CoprBuildTarget extends TargetRow {
  coprBuild!: CoprBuild;
}

export const CoprBuildTargetSchema = new EntitySchema<CoprBuildTarget>({
  class: CoprBuildTarget,
  schema: 'upstream',
  tableName: 'copr_build_targets',
  properties: {
    id: idColumn,
    coprBuild: { kind: 'm:1', entity: () => CoprBuild, deleteRule: 'cascade' },
    ...targetColumns('copr_build_targets'),
  },
  indexes: [
    { name: 'copr_build_targets_group_index', properties: ['coprBuild', 'target'] },
    ...targetIndexes<CoprBuildTarget>('copr_build_targets'),
  ],
});
