// @packflow/base: packflow's error classes and its environment reading. It depends on
// nothing, so what only needs these (the config and events packages, the CLI's fast
// commands) does not load the ORM, the database driver or the logger; @packflow/core
// re-exports all of it.
export * from './errors/index.js';
export * from './config/index.js';
