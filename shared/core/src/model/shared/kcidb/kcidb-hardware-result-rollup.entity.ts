import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { textColumn } from '../../columns.js';

/**
 * Test counts per hardware, hour, origin, boot or not, and status: what the hardware
 * results summary sums instead of counting every test of its window. A test counts once
 * under each distinct hardware it names (each compatible string and the platform). Kept
 * by the statement triggers on `kcidb_tests` that keep the other rollups (migration
 * kcidb-hardware-results-rollup). A missing status is stored as `''`.
 */
export class KcidbHardwareResultRollup {
  hardware!: string;
  hour!: Date;
  origin!: string;
  isBoot!: boolean;
  status!: string;
  n!: string;
}

export const KcidbHardwareResultRollupSchema = new EntitySchema<KcidbHardwareResultRollup>({
  class: KcidbHardwareResultRollup,
  schema: 'shared',
  tableName: 'kcidb_hardware_result_rollups',
  properties: {
    hardware: { ...textColumn, primary: true },
    hour: { type: 'Date', columnType: 'timestamptz', primary: true },
    origin: { ...textColumn, primary: true },
    isBoot: { type: 'boolean', primary: true },
    status: { ...textColumn, primary: true },
    n: { type: new BigIntType('string') },
  },
});
