import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { ALL_ENTITIES } from '../model/index.js';

/** Tables the migration runner owns; the ORM's schema diff leaves them alone. */
export const MIGRATION_TABLE = 'packflow_migrations';

export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return {
    clientUrl: databaseUrl,
    entities: ALL_ENTITIES(),
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    schemaGenerator: { skipTables: [MIGRATION_TABLE] },
    allowGlobalContext: false,
    pool: { min: 0, max: 10 },
    debug: false,
    ...overrides,
  };
}

/** Connects the ORM. Callers own it and must `close()` it. */
export async function createOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return MikroORM.init(ormOptions(databaseUrl, overrides));
}

export { MikroORM };
export type { EntityManager } from '@mikro-orm/postgresql';
