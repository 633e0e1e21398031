import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { textColumn } from '../../columns.js';

/**
 * Test counts per build, boot or not, and status: what the trees listing sums instead of
 * counting every test of each checkout. Kept by the statement triggers on `kcidb_tests`
 * that keep the hardware rollups (migration kcidb-build-rollup), so every way a test is
 * written keeps it exact. A missing status is stored as `''`, so the key has no nulls.
 */
export class KcidbBuildRollup {
  buildId!: string;
  isBoot!: boolean;
  status!: string;
  n!: string;
}

export const KcidbBuildRollupSchema = new EntitySchema<KcidbBuildRollup>({
  class: KcidbBuildRollup,
  schema: 'shared',
  tableName: 'kcidb_build_rollups',
  properties: {
    buildId: { ...textColumn, primary: true },
    isBoot: { type: 'boolean', primary: true },
    status: { ...textColumn, primary: true },
    n: { type: new BigIntType('string') },
  },
});
