import { EntitySchema } from '@mikro-orm/core';
import { jsonColumn, optionalTextColumn, textColumn } from '../../columns.js';
import { kcidbIdColumn, kcidbTimestampColumn, optionalBooleanColumn } from './kcidb-columns.js';

/**
 * A KCIDB incident: one version of an issue found (or, with `present: false`, not found) in a
 * build or a test. No foreign keys: the issue, build or test may come later or from
 * another origin.
 */
export class KcidbIncident {
  id!: string;
  origin!: string;
  issueId!: string;
  issueVersion!: string;
  buildId?: string | null;
  testId?: string | null;
  present?: boolean | null;
  comment?: string | null;
  misc?: Record<string, unknown> | null;
  timestamp!: Date;
}

export const KcidbIncidentSchema = new EntitySchema<KcidbIncident>({
  class: KcidbIncident,
  schema: 'shared',
  tableName: 'kcidb_incidents',
  properties: {
    id: kcidbIdColumn,
    origin: textColumn,
    issueId: textColumn,
    issueVersion: { type: 'bigint' },
    buildId: optionalTextColumn,
    testId: optionalTextColumn,
    present: optionalBooleanColumn,
    comment: optionalTextColumn,
    misc: jsonColumn,
    timestamp: kcidbTimestampColumn,
  },
});
