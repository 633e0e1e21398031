export * from './env.js';
export { ensureTemplate, templateName, adminClient, testDatabaseName } from './db/template.js';
export { createTestDatabase, type TestDatabase } from './db/test-database.js';
export { uniqueName } from './nats/names.js';
export { waitFor } from './wait-for.js';
export { seedPipelineScenario, countingSql, CHROOTS, type SeededScenario } from './seed/pipeline.seed.js';
export { startNatsServer, type TestNatsServer } from './nats/nats-server.js';
