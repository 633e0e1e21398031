import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createLogger, createOrm, loadCommonConfig, redactUrl } from '@packflow/core';
import { MigrationRunner } from '@packflow/migrator';
import { BASES } from '@packflow/migrations';
import { closeOnSignal, connectNats, type RunningService } from '@packflow/platform';
import { startScheduler } from '@packflow/scheduler';
import { startWeb } from '@packflow/web';
import { startUpstreamWorker } from '@packflow/upstream-worker';
import { startStreamWorker } from '@packflow/stream-worker';
import { action } from '../cli.errors.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../local/embedded-postgres.js';
import { findOrStartNats } from '../local/local-nats.js';

const stateDir = fileURLToPath(new URL('../../../../.packflow/', import.meta.url));

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run scheduler, both workers and web in one process (embedded defaults)')
    .addHelpText(
      'after',
      `
Database: DATABASE_URL, else embedded PGlite with its data in .packflow/pgdata.
NATS:     NATS_URL, else nats://127.0.0.1:4222 when it answers, else nats-server -js from PATH.
Ports:    SCHEDULER_PORT (8080) and WEB_PORT (8081) on HOST (127.0.0.1).
Migrations are applied at start. Ctrl-C stops everything cleanly.`,
    )
    .action(action(() => runAll()));
}

async function runAll(): Promise<void> {
  const common = loadCommonConfig();
  const logger = createLogger({ name: 'packflow', level: common.logLevel, pretty: common.logPretty });
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => logger.error({ err }, 'error while stopping'));
  };
  try {
    const env: Record<string, string | undefined> = { ...process.env };
    let pg: EmbeddedPostgres | undefined;
    if (!process.env.DATABASE_URL) {
      pg = await startEmbeddedPostgres(join(stateDir, 'pgdata'));
      cleanups.push(() => pg!.stop());
      env.DATABASE_URL = pg.url;
    }
    const databaseUrl = env.DATABASE_URL!;
    const applied = await new MigrationRunner({ databaseUrl, bases: BASES }).up();
    logger.info({ database: pg ? 'embedded PGlite (.packflow/pgdata)' : redactUrl(databaseUrl), applied: applied.length }, 'database ready');

    const nats = await findOrStartNats(process.env.NATS_URL, join(stateDir, 'nats'));
    cleanups.push(() => nats.stop());
    env.NATS_URL = nats.url;
    logger.info({ nats: redactUrl(nats.url), origin: nats.origin }, 'NATS ready');

    const orm = await createOrm(databaseUrl, { pool: { min: 0, max: pg ? 8 : 20 } });
    cleanups.push(() => orm.close());
    const nc = await connectNats(nats.url, 'packflow', logger);
    cleanups.push(() => nc.drain());
    const shared = { orm, nats: nc };

    const services: RunningService[] = [];
    for (const start of [startScheduler, startUpstreamWorker, startStreamWorker, startWeb]) {
      const service = await start({ env, logger: logger.child({ service: start.name }), shared });
      services.push(service);
      cleanups.push(() => service.close());
    }
    for (const s of services.filter((x) => x.url)) {
      process.stdout.write(`packflow ${s.name} listening on ${s.url} (health: ${s.url}/healthz)\n`);
    }
    process.stdout.write('packflow is running; press Ctrl-C to stop\n');
    closeOnSignal(stopAll, logger);
  } catch (error) {
    await stopAll();
    throw error;
  }
}
