import { EntitySchema } from '@mikro-orm/core';
import { jsonColumn, optionalTextColumn, optionalTimeColumn, textColumn } from '../../columns.js';
import {
  kcidbIdColumn,
  kcidbTimestampColumn,
  kcidbReceivedAtColumn,
  kcidbEffectiveStartTimeColumn,
  optionalBooleanColumn,
  optionalTextArrayColumn,
  type KcidbResource,
} from './kcidb-columns.js';

/**
 * A KCIDB checkout: one origin's checkout of a source tree, optionally with patches. The
 * checkouts sharing `gitCommitHash` and `patchsetHash` form a revision.
 */
export class KcidbCheckout {
  id!: string;
  origin!: string;
  treeName?: string | null;
  gitRepositoryUrl?: string | null;
  gitCommitHash?: string | null;
  gitCommitName?: string | null;
  gitCommitTags?: string[] | null;
  gitCommitMessage?: string | null;
  gitRepositoryBranch?: string | null;
  gitRepositoryBranchTip?: boolean | null;
  patchsetFiles?: KcidbResource[] | null;
  /** `""` (no patches) or the sha256 of the patches. */
  patchsetHash?: string | null;
  messageId?: string | null;
  comment?: string | null;
  startTime?: Date | null;
  originBuildsFinishTime?: Date | null;
  originTestsFinishTime?: Date | null;
  logUrl?: string | null;
  logExcerpt?: string | null;
  valid?: boolean | null;
  misc?: Record<string, unknown> | null;
  timestamp!: Date;
  /** When packflow first received it; stands in for a missing startTime. */
  receivedAt!: Date;
  /** Generated: startTime, else receivedAt. */
  effectiveStartTime!: Date;
}

export const KcidbCheckoutSchema = new EntitySchema<KcidbCheckout>({
  class: KcidbCheckout,
  schema: 'shared',
  tableName: 'kcidb_checkouts',
  properties: {
    id: kcidbIdColumn,
    origin: textColumn,
    treeName: optionalTextColumn,
    gitRepositoryUrl: optionalTextColumn,
    gitCommitHash: optionalTextColumn,
    gitCommitName: optionalTextColumn,
    gitCommitTags: optionalTextArrayColumn,
    gitCommitMessage: optionalTextColumn,
    gitRepositoryBranch: optionalTextColumn,
    gitRepositoryBranchTip: optionalBooleanColumn,
    patchsetFiles: jsonColumn,
    patchsetHash: optionalTextColumn,
    messageId: optionalTextColumn,
    comment: optionalTextColumn,
    startTime: optionalTimeColumn,
    originBuildsFinishTime: optionalTimeColumn,
    originTestsFinishTime: optionalTimeColumn,
    logUrl: optionalTextColumn,
    logExcerpt: optionalTextColumn,
    valid: optionalBooleanColumn,
    misc: jsonColumn,
    timestamp: kcidbTimestampColumn,
    receivedAt: kcidbReceivedAtColumn,
    effectiveStartTime: kcidbEffectiveStartTimeColumn,
  },
  indexes: [
    // trees: checkouts of an interval, optionally of one origin
    { name: 'kcidb_checkouts_effective_start_time_index', properties: ['effectiveStartTime'] },
    { name: 'kcidb_checkouts_origin_effective_start_time_index', properties: ['origin', 'effectiveStartTime'] },
    // revision: the checkouts of one commit + patchset
    { name: 'kcidb_checkouts_revision_index', properties: ['gitCommitHash', 'patchsetHash'] },
    // trees filtered by tag
    { name: 'kcidb_checkouts_git_commit_tags_index', properties: ['gitCommitTags'], type: 'gin' },
  ],
});
