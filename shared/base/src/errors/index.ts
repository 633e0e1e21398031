export * from './packflow.error.js';
