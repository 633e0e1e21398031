import { EntitySchema } from '@mikro-orm/core';
import { createdAtColumn, jsonColumn, optionalTimeColumn, textColumn, updatedAtColumn } from '../../columns.js';
import { optionalTextArrayColumn } from './kcidb-columns.js';

export type KcidbSubmissionStatus = 'ready' | 'processed' | 'failed';

/** One problem found while processing a submission, located by a JSON pointer into the report. */
export interface KcidbSubmissionError {
  pointer: string;
  message: string;
}

/**
 * A KCIDB report as it was accepted by `POST /api/kcidb/submit`, stored before the answer
 * and loaded into the KCIDB tables later. It records the origins the submitter's token
 * may write, never the token.
 */
export class KcidbSubmission {
  /** A random UUID, handed to the submitter. */
  id!: string;
  origins?: string[] | null;
  report!: unknown;
  status!: KcidbSubmissionStatus;
  errors?: KcidbSubmissionError[] | null;
  receivedAt!: Date;
  updatedAt!: Date;
  processedAt?: Date | null;
}

export const KcidbSubmissionSchema = new EntitySchema<KcidbSubmission>({
  class: KcidbSubmission,
  schema: 'shared',
  tableName: 'kcidb_submissions',
  properties: {
    id: { type: 'uuid', primary: true },
    origins: optionalTextArrayColumn,
    report: { ...jsonColumn, nullable: false },
    status: { ...textColumn, default: 'ready' },
    errors: jsonColumn,
    receivedAt: createdAtColumn,
    updatedAt: updatedAtColumn,
    processedAt: optionalTimeColumn,
  },
  indexes: [
    // the sweep: submissions still to load, oldest first
    {
      name: 'kcidb_submissions_ready_index',
      expression: `create index "kcidb_submissions_ready_index" on "shared"."kcidb_submissions" ("received_at") where "status" = 'ready'`,
    },
  ],
});
