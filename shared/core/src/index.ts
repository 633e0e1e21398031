export * from '@packflow/base';
export * from './logging/logger.js';
export * from './model/index.js';
export * from './db/orm.js';
export * from './db/sql.js';
export * from './db/database.js';
export * from './repositories/index.js';
export * from './json/untrusted-json.js';
