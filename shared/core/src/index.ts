export * from './errors/index.js';
export * from './config/index.js';
export * from './logging/logger.js';
export * from './model/index.js';
export * from './db/orm.js';
export * from './db/sql.js';
export * from './db/database.js';
export * from './repositories/index.js';
