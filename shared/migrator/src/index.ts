export * from './migration.types.js';
export * from './migration.errors.js';
export { MigrationRunner, type RunnerOptions } from './migration.runner.js';
export { MIGRATION_FILE, loadBase } from './migration.loader.js';
