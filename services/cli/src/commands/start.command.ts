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
Sandbox:  with no forge identity (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, or GITLAB_TOKEN),
          packflow runs against a local GitHub, Copr and Testing Farm (fakes whose builds
          and tests take a few seconds, PACKFLOW_SANDBOX_STEP_MS each stage); drive it with
          \`pnpm packflow sandbox --help\`. Never with an identity set.
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
  const identities = readForgeIdentities(new EnvReader(process.env));
  // Without a forge identity nothing could ever build: run the sandbox instead, and say so
  // on every log line. Never with an identity: then every event is real.
  const sandboxed = !identities.github && !identities.gitlab;
  const rootLogger = createLogger({ name: 'packflow', level: common.logLevel, pretty: common.logPretty });
  const logger = sandboxed ? rootLogger.child({ sandbox: true }) : rootLogger;
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.error({ err }, 'error while stopping'));
  };
  // From the first moment: a Ctrl-C while packflow starts stops what has started, with exit 0.
  closeOnSignal(logger).closeWith(stopAll);
  try {
    const env: Record<string, string | undefined> = { ...process.env };
    // Only the sandbox started here says it is one.
    delete env.PACKFLOW_SANDBOX;
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
      // PGlite delivers no NOTIFY from one connection to another, so the worker would hear
      // of the dashboard's reruns only at its reconcile interval: poll often instead (the
      // outbox relay polls too), unless the operator chose an interval.
      env.RECONCILE_INTERVAL_MS ??= '2000';
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
    // PGlite serves every connection on one session: named statements would collide there.
    const database = new Database({
      url: databaseUrl,
      logger,
      name: 'packflow',
      max: pg ? 8 : 20,
      namedStatements: !pg,
    });
    cleanups.push(() => database.close());
    const orm = await createOrm(databaseUrl, { pool: { min: 0, max: 2 } });
    cleanups.push(() => orm.close());
    const nc = await connectNats(nats.url, 'packflow', logger);
    cleanups.push(() => nc.drain());
    const shared = { database, orm, nats: nc };

    let sandbox: import('../sandbox/sandbox.server.js').Sandbox | undefined;
    if (sandboxed) {
      // Loaded only now: the fakes are no part of a real run, nor of the other commands.
      const { startSandbox } = await import('../sandbox/sandbox.server.js');
      const stepMs = new EnvReader(env).int('PACKFLOW_SANDBOX_STEP_MS', 2000, { min: 10, max: 600_000 });
      sandbox = await startSandbox({ stateDir: stateDir(), logger, stepMs });
      cleanups.push(() => sandbox!.stop());
      Object.assign(env, sandbox.env);
    }

    const services: RunningService[] = [];
    for (const start of [startScheduler, startWeb, startUpstreamWorker, startStreamWorker, startResultsWorker]) {
      const service = await start({ env, logger: logger.child({ service: start.name }), shared });
      services.push(service);
      cleanups.push(() => service.close());
      // Those told where this instance is (Testing Farm's notifications, the links on check
      // runs) are told where it really listens, which may be a port chosen at start (0).
      if (service.name === 'scheduler') env.PACKFLOW_PUBLIC_URL ||= service.url;
      if (service.name === 'web') env.DASHBOARD_URL ||= service.url;
    }
    for (const s of services.filter((x) => x.url)) {
      process.stdout.write(`packflow ${s.name} listening on ${s.url} (probes: ${s.url}/healthz, ${s.url}/readyz)\n`);
    }
    if (pg) process.stdout.write(`packflow embedded database: ${pg.url} (the CLI finds it while this runs)\n`);
    if (sandbox) {
      const url = (name: string) => services.find((s) => s.name === name)?.url ?? '';
      await sandbox.attach({
        schedulerUrl: url('scheduler'),
        webUrl: url('web'),
        webhookSecret: env.GITHUB_WEBHOOK_SECRET!,
        messagesToken: env.MESSAGES_TOKEN!,
      });
      // Say it where people look: this instance builds nothing for real.
      const e = sandbox.endpoints;
      process.stdout.write(
        [
          'packflow SANDBOX: no forge identity is set (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY, or GITLAB_TOKEN),',
          `  so packflow runs against a local GitHub (${e.github}), Copr (${e.copr}) and Testing Farm (${e.testingFarm}):`,
          '  fakes whose builds and tests take a few seconds; nothing leaves this machine. Set an identity to run for real.',
          '  Try, in another terminal: pnpm packflow sandbox pull-request --fail fedora-rawhide-x86_64',
          '',
        ].join('\n'),
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
