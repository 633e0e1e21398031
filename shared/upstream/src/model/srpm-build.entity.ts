import { EntitySchema } from '@mikro-orm/core';
import { idColumn, TargetRow, targetColumns, targetIndexes } from '@packflow/core';

/** An SRPM build: an item without a group (its one target is `srpm-builds`). */
export class SrpmBuild extends TargetRow {}

export const SrpmBuildSchema = new EntitySchema<SrpmBuild>({
  class: SrpmBuild,
  schema: 'upstream',
  tableName: 'srpm_builds',
  properties: { id: idColumn, ...targetColumns('srpm_builds') },
  indexes: targetIndexes<SrpmBuild>('srpm_builds'),
});
