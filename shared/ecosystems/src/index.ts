export { ECOSYSTEMS, ALL_ENTITIES, entitiesOfBase, ITEM_KINDS, itemKindsOf, createOrm } from './ecosystems.registry.js';
