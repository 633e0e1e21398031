export * from './env.js';
export { ensureTemplate, templateName, adminClient, testDatabaseName } from './db/template.js';
export { createTestDatabase, type TestDatabase } from './db/test-database.js';
export { uniqueName } from './nats/names.js';
export { waitFor } from './wait-for.js';
export { seedPipelineScenario, countingSql, CHROOTS, type SeededScenario } from './seed/pipeline.seed.js';
export { startNatsServer, type TestNatsServer } from './nats/nats-server.js';
export { freePort } from './ports.js';
export { startRabbitMq, type TestRabbitMq } from './amqp/rabbitmq-server.js';

export { durableSettled } from './nats/durable.settled.js';
export * from './fakes/index.js';
export { spawnServiceMain, type ServiceProcess, type ServiceProcessOptions } from './service-process.js';
export { startPostgres, type TestPostgres, type PostgresOptions } from './postgres/postgres-server.js';
export * from './git/git-repos.fixture.js';
export { recordingLogger, type LoggedLine } from './recording.logger.js';
export { createTestCertificates, type TestCertificates, type ClientCertificate } from './fakes/test-certificates.js';
export { jsonKind, shapeDiff } from './fakes/shape-diff.js';
