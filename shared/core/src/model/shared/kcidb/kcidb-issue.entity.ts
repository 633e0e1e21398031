import { EntitySchema } from '@mikro-orm/core';
import { jsonColumn, optionalTextColumn, textColumn } from '../../columns.js';
import { kcidbTimestampColumn, optionalBooleanColumn, optionalTextArrayColumn } from './kcidb-columns.js';

/** A KCIDB issue: a known problem, versioned; (id, version) identifies one version of it. */
export class KcidbIssue {
  id!: string;
  version!: string;
  origin!: string;
  reportUrl?: string | null;
  reportSubject?: string | null;
  culpritCode?: boolean | null;
  culpritTool?: boolean | null;
  culpritHarness?: boolean | null;
  /** Dotted category paths. */
  categories?: string[] | null;
  comment?: string | null;
  misc?: Record<string, unknown> | null;
  timestamp!: Date;
}

export const KcidbIssueSchema = new EntitySchema<KcidbIssue>({
  class: KcidbIssue,
  schema: 'shared',
  tableName: 'kcidb_issues',
  properties: {
    id: { type: 'text', primary: true },
    version: { type: 'bigint', primary: true },
    origin: textColumn,
    reportUrl: optionalTextColumn,
    reportSubject: optionalTextColumn,
    culpritCode: optionalBooleanColumn,
    culpritTool: optionalBooleanColumn,
    culpritHarness: optionalBooleanColumn,
    categories: optionalTextArrayColumn,
    comment: optionalTextColumn,
    misc: jsonColumn,
    timestamp: kcidbTimestampColumn,
  },
});
