export * from './env.reader.js';
export * from './common.config.js';
export * from './instance.name.js';
