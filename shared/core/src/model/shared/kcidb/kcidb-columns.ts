// Column definitions the KCIDB tables share. KCIDB objects are keyed by their own text ids
// (`origin:local-id`), every field but the keys is optional, and each row carries
// `_timestamp`, the last time a submission touched it.
import type { EntitySchemaProperty } from '@mikro-orm/core';

type Prop = EntitySchemaProperty<unknown, unknown>;

export const kcidbIdColumn = { type: 'text', primary: true } as const satisfies Prop;
export const optionalTextArrayColumn = {
  type: 'string[]',
  columnType: 'text[]',
  nullable: true,
} as const satisfies Prop;
export const optionalDoubleColumn = {
  type: 'double',
  columnType: 'double precision',
  nullable: true,
} as const satisfies Prop;
export const optionalBooleanColumn = { type: 'boolean', nullable: true } as const satisfies Prop;
export const optionalBigintColumn = { type: 'bigint', nullable: true } as const satisfies Prop;
/** `_timestamp`: when a submission last touched the row (the newest wins on merge). */
export const kcidbTimestampColumn = {
  type: 'Date',
  columnType: 'timestamptz',
  defaultRaw: 'now()',
  fieldName: '_timestamp',
} as const satisfies Prop;

/**
 * `received_at`: when packflow first received the object (set once, never merged). It
 * stands in for a missing `start_time` in reads (see `kcidbEffectiveStartTimeColumn`).
 */
export const kcidbReceivedAtColumn = {
  type: 'Date',
  columnType: 'timestamptz',
  defaultRaw: 'now()',
} as const satisfies Prop;

/** Generated `effective_start_time`: the reported start_time, else received_at; what reads filter and sort on. */
export const kcidbEffectiveStartTimeColumn = {
  type: 'Date',
  columnType: 'timestamptz',
  generated: `(coalesce("start_time", "received_at")) stored`,
} as const satisfies Prop;

/** An input, output or patchset file: a name (no `/`) and where to get it. */
export interface KcidbResource {
  name: string;
  url: string;
}

/** KCIDB statuses, highest priority first: a set of results summarises to its first member here. */
export const KCIDB_STATUSES = ['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'] as const;
export type KcidbStatus = (typeof KCIDB_STATUSES)[number];
