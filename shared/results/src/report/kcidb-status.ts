import { KCIDB_STATUSES, type KcidbStatus } from '@packflow/core';

/**
 * The status a set of KCIDB results summarises to: its highest-priority member, in the order
 * FAIL > ERROR > MISS > PASS > DONE > SKIP. Missing statuses are ignored; an empty set has
 * no status.
 */
export function summarizeKcidbStatus(statuses: Iterable<KcidbStatus | null | undefined>): KcidbStatus | null {
  const order: readonly string[] = KCIDB_STATUSES;
  let best = -1;
  for (const status of statuses) {
    const rank = status ? order.indexOf(status) : -1;
    if (rank >= 0 && (best < 0 || rank < best)) best = rank;
  }
  return best >= 0 ? (order[best] as KcidbStatus) : null;
}

/** SQL that summarises the `status` column of a group the same way (an aggregate expression). */
export const SQL_SUMMARY_STATUS = (column: string): string =>
  `(array[${KCIDB_STATUSES.map((s) => `'${s}'`).join(',')}])[min(array_position(array[${KCIDB_STATUSES.map((s) => `'${s}'`).join(',')}], ${column}))]`;
