// Everything the upstream worker runs on, built once from its config and the platform's
// database handle: the clients of this deployment's identities, the engine with its
// activities, the service that handles events, and the reconciler loop.
import { CoprClient, TestingFarmClient } from '@packflow/clients';
import { loadReleaseTable } from '@packflow/config';
import type { Database, Logger } from '@packflow/core';
import { PipelineEngine } from '@packflow/engine';
import { ActivityContext } from '../activities/activity-context.js';
import { coprActivities } from '../activities/copr.activities.js';
import { StatusReporter } from '../activities/status.reporter.js';
import { testingFarmActivities } from '../activities/testing-farm.activities.js';
import { TestResultsRecorder } from '../handlers/test-results.recorder.js';
import { UpstreamService } from '../handlers/upstream.service.js';
import type { UpstreamWorkerConfig } from '../upstream-worker.config.js';
import { ForgeRegistry } from './forge.registry.js';

export interface UpstreamRuntime {
  service: UpstreamService;
  engine: PipelineEngine;
  close(): Promise<void>;
}

/** The runtime on `pool`, the process's database handle (the platform owns and closes it). */
export function createUpstreamRuntime(
  config: Readonly<UpstreamWorkerConfig>,
  pool: Database,
  logger: Logger,
): UpstreamRuntime {
  const context = new ActivityContext(pool);
  const forges = new ForgeRegistry(config);
  const copr = new CoprClient({
    baseUrl: config.copr.url,
    login: config.copr.login ?? '',
    token: config.copr.token ?? '',
  });
  const testingFarm = new TestingFarmClient({
    baseUrl: config.testingFarm.url,
    apiKey: config.testingFarm.apiKey ?? '',
  });
  const reporter = new StatusReporter(forges, context, pool, config.dashboardUrl, logger);
  const { srpm, rpm } = coprActivities({ copr, context, defaultOwner: config.copr.owner });
  const engine = new PipelineEngine(
    pool,
    {
      jobs: {
        srpm_build: srpm,
        copr_build: rpm,
        tests: testingFarmActivities({ testingFarm, context, publicUrl: config.publicUrl }, pool),
      },
      report: (changes) => reporter.report(changes),
    },
    { logger, instances: forges.instances() },
  );
  const service = new UpstreamService({
    sql: pool,
    engine,
    forges,
    releases: loadReleaseTable(config.releasesFile),
    testingFarm,
    results: new TestResultsRecorder(pool, logger),
    logger,
  });

  // The reconciler: rescues builds and tests whose completion message never came.
  let running: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    running ??= engine
      .reconcile()
      .then((counts) => {
        if (counts.polled || counts.resubmitted || counts.timedOut || counts.reported)
          logger.info(counts, 'reconciled overdue targets and reports');
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'reconciling failed; will try again'))
      .finally(() => (running = undefined));
  }, config.reconcileIntervalMs);
  timer.unref();

  return {
    service,
    engine,
    async close() {
      clearInterval(timer);
      await running;
      await engine.idle();
    },
  };
}
