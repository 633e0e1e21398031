import type { Command } from 'commander';
import { join } from 'node:path';
import type { RunningService } from '@packflow/platform';
import { action } from '../cli.errors.js';
import { openEmbeddedPostgres, stateDir, type EmbeddedPostgres } from '../local/embedded-postgres.js';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run scheduler, the workers (upstream, stream, results) and web in one process (embedded defaults)')
    .addHelpText(
      'after',
      `
Database: DATABASE_URL, else embedded PGlite with its data in .packflow/pgdata
          (PACKFLOW_STATE_DIR moves .packflow); while it runs, \`packflow migrate\` and
          \`packflow dead-letters\` without DATABASE_URL use it too.
NATS:     NATS_URL, else nats://127.0.0.1:4222 when it answers, else nats-server -js from PATH.
Instance: PACKFLOW_INSTANCE, else local-<hash of the state directory>: the JetStream
          stream, consumers and subjects carry it, so instances sharing a NATS server
          never see each other's events.
Ports:    SCHEDULER_PORT (8080) and WEB_PORT (8081) on HOST (127.0.0.1); both serve
          GET /metrics, the one registry of every service in this process.
Secrets:  GITHUB_WEBHOOK_SECRET, GITLAB_WEBHOOK_TOKEN, MESSAGES_TOKEN; any not set is
          generated once and kept in .packflow/secrets.json (mode 0600).
Migrations are applied at start. Ctrl-C stops everything cleanly.`,
    )
    .action(action(() => runAll()));
}

async function runAll(): Promise<void> {
  // Loaded here, not at the top: other commands should not pay for the services.
  const { ConfigurationError, createLogger, Database, EnvReader, loadCommonConfig, redactUrl } =
    await import('@packflow/core');
  const { createOrm } = await import('@packflow/ecosystems');
  const { MigrationRunner } = await import('@packflow/migrator');
  const { BASES } = await import('@packflow/migrations');
  const { closeOnSignal, connectNats } = await import('@packflow/platform');
  const { startScheduler } = await import('@packflow/scheduler');
  const { startWeb } = await import('@packflow/web');
  const { startUpstreamWorker } = await import('@packflow/upstream-worker');
  const { readForgeIdentities } = await import('@packflow/upstream');
  const { startStreamWorker } = await import('@packflow/stream-worker');
  const { startResultsWorker } = await import('@packflow/results-worker');
  const { findOrStartNats } = await import('../local/local-nats.js');
  const { applyLocalSecrets } = await import('../local/local-secrets.js');
  const { localInstanceName } = await import('../local/local-instance.js');
  const { readStreamSpec } = await import('@packflow/messaging');

  const common = loadCommonConfig();
  const logger = createLogger({ name: 'packflow', level: common.logLevel, pretty: common.logPretty });
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.error({ err }, 'error while stopping'));
  };
  // From the first moment: a Ctrl-C while packflow starts stops what has started, with exit 0.
  closeOnSignal(logger).closeWith(stopAll);
  try {
    const env: Record<string, string | undefined> = { ...process.env };
    // Its own stream, consumers and subjects on a NATS other installations may share.
    env.PACKFLOW_INSTANCE ||= localInstanceName(stateDir());
    const secrets = await applyLocalSecrets(stateDir(), env);
    if (secrets) {
      const what = secrets.generated.length
        ? `generated ${secrets.generated.join(', ')}`
        : `read ${secrets.fromFile.join(', ')}`;
      process.stdout.write(`packflow webhook secrets: ${what}; they are in ${secrets.path} (mode 0600)\n`);
    }
    let pg: EmbeddedPostgres | undefined;
    if (!process.env.DATABASE_URL) {
      pg = await openEmbeddedPostgres(stateDir());
      cleanups.push(() => pg!.stop());
      if (pg.heldBy !== undefined) {
        throw new ConfigurationError(
          `the embedded database in ${join(stateDir(), 'pgdata')} is in use by packflow process ${pg.heldBy}: stop it, or set PACKFLOW_STATE_DIR (another state directory) or DATABASE_URL`,
        );
      }
      env.DATABASE_URL = pg.url;
    }
    const databaseUrl = env.DATABASE_URL!;
    const applied = await new MigrationRunner({ databaseUrl, bases: BASES }).up();
    logger.info(
      { database: pg ? 'embedded PGlite (.packflow/pgdata)' : redactUrl(databaseUrl), applied: applied.length },
      'database ready',
    );

    const nats = await findOrStartNats(process.env.NATS_URL, join(stateDir(), 'nats'));
    cleanups.push(() => nats.stop());
    env.NATS_URL = nats.url;
    logger.info({ nats: redactUrl(nats.url), origin: nats.origin }, 'NATS ready');

    // One database handle for every service of the process (all their SQL), and the ORM
    // beside it for entity work (dead letters).
    const database = new Database({ url: databaseUrl, logger, name: 'packflow', max: pg ? 8 : 20 });
    cleanups.push(() => database.close());
    const orm = await createOrm(databaseUrl, { pool: { min: 0, max: 2 } });
    cleanups.push(() => orm.close());
    const nc = await connectNats(nats.url, 'packflow', logger);
    cleanups.push(() => nc.drain());
    const shared = { database, orm, nats: nc };

    const services: RunningService[] = [];
    for (const start of [startScheduler, startUpstreamWorker, startStreamWorker, startResultsWorker, startWeb]) {
      const service = await start({ env, logger: logger.child({ service: start.name }), shared });
      services.push(service);
      cleanups.push(() => service.close());
    }
    for (const s of services.filter((x) => x.url)) {
      process.stdout.write(`packflow ${s.name} listening on ${s.url} (probes: ${s.url}/healthz, ${s.url}/readyz)\n`);
    }
    if (pg) process.stdout.write(`packflow embedded database: ${pg.url} (the CLI finds it while this runs)\n`);
    const identities = readForgeIdentities(new EnvReader(env));
    if (!identities.github && !identities.gitlab) {
      // Say it where people look: without an identity every webhook is recorded and left alone.
      process.stdout.write(
        'packflow has no forge identity (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, or GITLAB_TOKEN): ' +
          'webhooks are recorded, but no pipeline will run until one is set\n',
      );
    }
    const stream = readStreamSpec(new EnvReader(env));
    process.stdout.write(
      `packflow instance: ${env.PACKFLOW_INSTANCE} (JetStream stream ${stream.name}, subjects ${stream.subjects.join(' ')})\n`,
    );
    process.stdout.write('packflow is running; press Ctrl-C to stop\n');
  } catch (error) {
    await stopAll();
    throw error;
  }
}
