import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, idColumn, TargetRow, targetColumns, targetIndexes } from '@packflow/core';
import { SrpmBuild } from './srpm-build.entity.js';

/** A Koji build of one package: the group of its per-branch (or per-target) builds. */
export class KojiBuild {
  id!: string;
  srpmBuild?: SrpmBuild | null;
  scratch!: boolean;
  createdAt!: Date;
}

export const KojiBuildSchema = new EntitySchema<KojiBuild>({
  class: KojiBuild,
  schema: 'upstream',
  tableName: 'koji_builds',
  properties: {
    id: idColumn,
    srpmBuild: { kind: 'm:1', entity: () => SrpmBuild, nullable: true, deleteRule: 'set null' },
    scratch: { type: 'boolean', default: false },
    createdAt: createdAtColumn,
  },
});

export class KojiBuildTarget extends TargetRow {
  kojiBuild!: KojiBuild;
}

export const KojiBuildTargetSchema = new EntitySchema<KojiBuildTarget>({
  class: KojiBuildTarget,
  schema: 'upstream',
  tableName: 'koji_build_targets',
  properties: {
    id: idColumn,
    kojiBuild: { kind: 'm:1', entity: () => KojiBuild, deleteRule: 'cascade' },
    ...targetColumns('koji_build_targets'),
  },
  indexes: [
    { name: 'koji_build_targets_group_index', properties: ['kojiBuild', 'target'] },
    ...targetIndexes<KojiBuildTarget>('koji_build_targets'),
  ],
});
