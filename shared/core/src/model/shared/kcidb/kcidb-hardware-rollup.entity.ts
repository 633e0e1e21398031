import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { textColumn } from '../../columns.js';

/**
 * Test counts per hour, origin, hardware, platform, boot or not, and status: what the
 * hardware listing sums instead of scanning every test of its interval. Kept by
 * statement triggers on `kcidb_tests` (migration kcidb-hardware-rollup), so every way a
 * test is written (ingest, merges that fill a status later, deletes) keeps it exact.
 * Tests without hardware or start time are not counted; a missing platform or status is
 * stored as `''`, so the key has no nulls.
 */
export class KcidbHardwareRollup {
  hour!: Date;
  origin!: string;
  hardware!: string;
  platform!: string;
  isBoot!: boolean;
  status!: string;
  n!: string;
}

export const KcidbHardwareRollupSchema = new EntitySchema<KcidbHardwareRollup>({
  class: KcidbHardwareRollup,
  schema: 'shared',
  tableName: 'kcidb_hardware_rollups',
  properties: {
    hour: { type: 'Date', columnType: 'timestamptz', primary: true },
    hardware: { ...textColumn, primary: true },
    origin: { ...textColumn, primary: true },
    platform: { ...textColumn, primary: true },
    isBoot: { type: 'boolean', primary: true },
    status: { ...textColumn, primary: true },
    n: { type: new BigIntType('string') },
  },
});
