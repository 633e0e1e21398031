// The ecosystems packflow knows, composed: every entity (MikroORM needs them all, so the
// schema diff sees the whole database) and every item kind (a target of any ecosystem
// can show in the shared pipeline views). A process that runs only some ecosystems
// still reads with all kinds; it gives its engine only the kinds and activities of
// those it runs. A new ecosystem is one more entry here.
import type { Options } from '@mikro-orm/postgresql';
import {
  ItemKinds,
  openOrm,
  SHARED_ENTITIES,
  type AnyEntitySchema,
  type EcosystemDefinition,
  type MikroORM,
} from '@packflow/core';
import { STREAM_ECOSYSTEM } from '@packflow/stream';
import { UPSTREAM_ECOSYSTEM } from '@packflow/upstream';

export const ECOSYSTEMS: readonly EcosystemDefinition[] = [UPSTREAM_ECOSYSTEM, STREAM_ECOSYSTEM];

/** Every entity schema: the shared base's and each ecosystem's. */
export const ALL_ENTITIES = (): AnyEntitySchema[] => [...SHARED_ENTITIES, ...ECOSYSTEMS.flatMap((e) => e.entities)];

/** The entity schemas of one migration base. */
export function entitiesOfBase(base: string): readonly AnyEntitySchema[] {
  if (base === 'shared') return SHARED_ENTITIES;
  return ECOSYSTEMS.filter((e) => e.base === base).flatMap((e) => e.entities);
}

/** Every item kind of every ecosystem: what the shared read queries (views, intake) cover. */
export const ITEM_KINDS = new ItemKinds(ECOSYSTEMS.flatMap((e) => e.kinds));

/** The item kinds of some ecosystems (by name): what an engine of a process running only those gets. */
export function itemKindsOf(names: readonly string[]): ItemKinds {
  const unknown = names.filter((n) => !ECOSYSTEMS.some((e) => e.name === n));
  if (unknown.length > 0) throw new Error(`no ecosystem named ${unknown.join(', ')}`);
  return new ItemKinds(ECOSYSTEMS.filter((e) => names.includes(e.name)).flatMap((e) => e.kinds));
}

/** Connects MikroORM with every entity. Callers own it and must `close()` it. */
export function createOrm(databaseUrl: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
  return openOrm(databaseUrl, ALL_ENTITIES(), overrides);
}
