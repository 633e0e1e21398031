// Column definitions repeated across entity schemas, written once.
import type { EntitySchemaProperty } from '@mikro-orm/core';

type Prop = EntitySchemaProperty<unknown, unknown>;

export const idColumn = { type: 'bigint', primary: true, autoincrement: true } as const satisfies Prop;

export const createdAtColumn = {
  type: 'Date',
  columnType: 'timestamptz',
  defaultRaw: 'now()',
  onCreate: () => new Date(),
} as const satisfies Prop;

export const updatedAtColumn = {
  ...createdAtColumn,
  onUpdate: () => new Date(),
} as const satisfies Prop;

export const optionalTimeColumn = { type: 'Date', columnType: 'timestamptz', nullable: true } as const satisfies Prop;
export const optionalTextColumn = { type: 'text', nullable: true } as const satisfies Prop;
export const textColumn = { type: 'text' } as const satisfies Prop;
export const jsonColumn = { type: 'json', columnType: 'jsonb', nullable: true } as const satisfies Prop;
