import { MikroORM, type Options } from '@mikro-orm/postgresql';
import type { AnyEntitySchema } from '../model/item-kind.registry.js';

/** Tables the migration runner owns; the ORM's schema diff leaves them alone. */
export const MIGRATION_TABLE = 'packflow_migrations';

/**
 * MikroORM options for these entities. Processes pass every entity of every ecosystem
 * (@packflow/ecosystems' `createOrm` does), so the schema diff sees the whole database.
 */
export function ormOptions(
  databaseUrl: string,
  entities: readonly AnyEntitySchema[],
  overrides: Partial<Options> = {},
): Options {
  return {
    clientUrl: databaseUrl,
    entities: [...entities],
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    schemaGenerator: { skipTables: [MIGRATION_TABLE] },
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  };
}

/** Connects the ORM with these entities. Callers own it and must `close()` it. */
export async function openOrm(
  databaseUrl: string,
  entities: readonly AnyEntitySchema[],
  overrides: Partial<Options> = {},
): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, entities, overrides));
}

export { MikroORM };
export type { EntityManager } from '@mikro-orm/postgresql';
