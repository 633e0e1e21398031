import { EntitySchema } from '@mikro-orm/core';
import { jsonColumn, optionalTextColumn, optionalTimeColumn, textColumn } from '../../columns.js';
import {
  kcidbIdColumn,
  kcidbTimestampColumn,
  kcidbReceivedAtColumn,
  optionalDoubleColumn,
  type KcidbResource,
  type KcidbStatus,
} from './kcidb-columns.js';

/**
 * A KCIDB build of a checkout. `checkoutId` is not a foreign key: a build may arrive
 * before its checkout, or name a checkout another origin submits.
 */
export class KcidbBuild {
  id!: string;
  checkoutId!: string;
  origin!: string;
  comment?: string | null;
  startTime?: Date | null;
  /** Seconds. */
  duration?: number | null;
  architecture?: string | null;
  command?: string | null;
  compiler?: string | null;
  inputFiles?: KcidbResource[] | null;
  outputFiles?: KcidbResource[] | null;
  configName?: string | null;
  configUrl?: string | null;
  logUrl?: string | null;
  logExcerpt?: string | null;
  status?: KcidbStatus | null;
  misc?: Record<string, unknown> | null;
  timestamp!: Date;
  /** When packflow first received it; stands in for a missing startTime. */
  receivedAt!: Date;
}

export const KcidbBuildSchema = new EntitySchema<KcidbBuild>({
  class: KcidbBuild,
  schema: 'shared',
  tableName: 'kcidb_builds',
  properties: {
    id: kcidbIdColumn,
    checkoutId: textColumn,
    origin: textColumn,
    comment: optionalTextColumn,
    startTime: optionalTimeColumn,
    duration: optionalDoubleColumn,
    architecture: optionalTextColumn,
    command: optionalTextColumn,
    compiler: optionalTextColumn,
    inputFiles: jsonColumn,
    outputFiles: jsonColumn,
    configName: optionalTextColumn,
    configUrl: optionalTextColumn,
    logUrl: optionalTextColumn,
    logExcerpt: optionalTextColumn,
    status: optionalTextColumn,
    misc: jsonColumn,
    timestamp: kcidbTimestampColumn,
    receivedAt: kcidbReceivedAtColumn,
  },
  // trees and revision: the builds of a checkout
  indexes: [{ name: 'kcidb_builds_checkout_id_index', properties: ['checkoutId'] }],
});
