// The columns every target table shares (one chroot of a Copr build, one test target,
// one Koji branch, an SRPM build), so the engine can drive them all the same way.
import type { EntityKey } from '@mikro-orm/core';
import {
  createdAtColumn,
  jsonColumn,
  optionalTextColumn,
  optionalTimeColumn,
  textColumn,
  updatedAtColumn,
} from './columns.js';
import type { TargetStatus } from './status.js';

export abstract class TargetRow {
  id!: string;
  /** Chroot, test target or Koji branch; `srpm-builds` for SRPM builds. */
  target!: string;
  attempt!: number;
  status!: TargetStatus;
  /** Why it ended the way it did, in words (`build fedora-41-x86_64 failed`). */
  reason?: string | null;
  /** Id in the external system (Copr build id, Testing Farm request id, Koji task id). */
  externalId?: string | null;
  /** (pipeline, step, target, attempt): recorded before the external call is made. */
  idempotencyKey?: string | null;
  webUrl?: string | null;
  logUrl?: string | null;
  queuedAt?: Date | null;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  deadlineAt?: Date | null;
  /** Details of the result (per-test results, artifacts…). */
  data?: unknown;
  createdAt!: Date;
  updatedAt!: Date;
}

export function targetColumns(table: string) {
  return {
    target: textColumn,
    attempt: { type: 'integer', default: 1 },
    status: { ...textColumn, default: 'pending' },
    reason: optionalTextColumn,
    externalId: optionalTextColumn,
    idempotencyKey: { ...optionalTextColumn, unique: `${table}_idempotency_key_unique` },
    webUrl: optionalTextColumn,
    logUrl: optionalTextColumn,
    queuedAt: optionalTimeColumn,
    startedAt: optionalTimeColumn,
    finishedAt: optionalTimeColumn,
    deadlineAt: optionalTimeColumn,
    data: jsonColumn,
    createdAt: createdAtColumn,
    updatedAt: updatedAtColumn,
  } as const;
}

/** Indexes every target table has: by external id (signals) and by deadline (reconciler). */
export function targetIndexes<T extends TargetRow>(table: string): { name: string; properties: EntityKey<T>[] }[] {
  return [
    { name: `${table}_external_id_index`, properties: ['externalId' as EntityKey<T>] },
    { name: `${table}_deadline_index`, properties: ['deadlineAt' as EntityKey<T>] },
  ];
}
