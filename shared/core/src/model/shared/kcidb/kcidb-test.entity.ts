import { EntitySchema } from '@mikro-orm/core';
import { jsonColumn, optionalTextColumn, optionalTimeColumn, textColumn } from '../../columns.js';
import {
  kcidbIdColumn,
  kcidbTimestampColumn,
  kcidbReceivedAtColumn,
  kcidbEffectiveStartTimeColumn,
  optionalDoubleColumn,
  optionalTextArrayColumn,
  type KcidbResource,
  type KcidbStatus,
} from './kcidb-columns.js';

/**
 * A KCIDB test run on a build. `path` is dotted (`boot.start` is a child of `boot`; `""`
 * is the root). The environment and the measured number are flattened into columns; the
 * platform sits, by convention, in `environmentMisc.platform`.
 */
export class KcidbTest {
  id!: string;
  buildId!: string;
  origin!: string;
  environmentComment?: string | null;
  environmentCompatible?: string[] | null;
  environmentMisc?: Record<string, unknown> | null;
  path?: string | null;
  comment?: string | null;
  logUrl?: string | null;
  logExcerpt?: string | null;
  status?: KcidbStatus | null;
  numberValue?: number | null;
  numberUnit?: string | null;
  /** `metric` or `binary`. */
  numberPrefix?: string | null;
  startTime?: Date | null;
  /** Seconds. */
  duration?: number | null;
  inputFiles?: KcidbResource[] | null;
  outputFiles?: KcidbResource[] | null;
  misc?: Record<string, unknown> | null;
  timestamp!: Date;
  /** When packflow first received it; stands in for a missing startTime. */
  receivedAt!: Date;
  /** Generated: startTime, else receivedAt. */
  effectiveStartTime!: Date;
  /** Generated: the hardware as the hardware listing names it (first compatible string, else the platform). */
  hardware?: string | null;
  /** Generated: `environmentMisc.platform`. */
  platform?: string | null;
  /** Generated: whether the test is a boot (its path is `boot` or under `boot.`). */
  isBoot!: boolean;
}

export const KcidbTestSchema = new EntitySchema<KcidbTest>({
  class: KcidbTest,
  schema: 'shared',
  tableName: 'kcidb_tests',
  properties: {
    id: kcidbIdColumn,
    buildId: textColumn,
    origin: textColumn,
    environmentComment: optionalTextColumn,
    environmentCompatible: optionalTextArrayColumn,
    environmentMisc: jsonColumn,
    path: optionalTextColumn,
    comment: optionalTextColumn,
    logUrl: optionalTextColumn,
    logExcerpt: optionalTextColumn,
    status: optionalTextColumn,
    numberValue: optionalDoubleColumn,
    numberUnit: optionalTextColumn,
    numberPrefix: optionalTextColumn,
    startTime: optionalTimeColumn,
    duration: optionalDoubleColumn,
    inputFiles: jsonColumn,
    outputFiles: jsonColumn,
    misc: jsonColumn,
    timestamp: kcidbTimestampColumn,
    receivedAt: kcidbReceivedAtColumn,
    effectiveStartTime: kcidbEffectiveStartTimeColumn,
    // Generated so that the covering index below can carry them (index-only scans).
    hardware: {
      ...optionalTextColumn,
      generated: `(coalesce("environment_compatible"[1], "environment_misc" ->> 'platform')) stored`,
    },
    platform: { ...optionalTextColumn, generated: `("environment_misc" ->> 'platform') stored` },
    isBoot: {
      type: 'boolean',
      generated: `(coalesce("path" = 'boot' or starts_with("path", 'boot.'), false)) stored`,
    },
  },
  indexes: [
    // trees, revision and path rollup: the tests of a build, with what they count
    {
      name: 'kcidb_tests_build_id_index',
      expression: `create index "kcidb_tests_build_id_index" on "shared"."kcidb_tests" ("build_id") include ("status", "path")`,
    },
    // hardware listing and details: the tests of an interval, with what the listing counts
    {
      name: 'kcidb_tests_effective_start_time_index',
      expression:
        `create index "kcidb_tests_effective_start_time_index" on "shared"."kcidb_tests" ("effective_start_time") ` +
        `include ("origin", "status", "is_boot", "hardware", "platform")`,
    },
    // test history: one path over time
    { name: 'kcidb_tests_path_index', properties: ['path', 'effectiveStartTime'] },
    // hardware details: one hardware's tests of the window's UTC days, by compatible string
    // or platform (the function is in migration 20261202T170000-kcidb-hardware-by-day)
    {
      name: 'kcidb_tests_hardware_day_index',
      expression:
        `create index "kcidb_tests_hardware_day_index" on "shared"."kcidb_tests" ` +
        `using gin ("shared"."kcidb_hardware_days"("environment_compatible", "platform", "effective_start_time"))`,
    },
  ],
});
