export { STREAM_ECOSYSTEM, STREAM_KINDS, createStreamActivities } from './stream.ecosystem.js';
export * from './model/mr-pair.entity.js';
export * from './model/sync-run.entity.js';
