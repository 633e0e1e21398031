// The CentOS Stream ecosystem as one unit: what it brings to every process (its migration
// base, entities and item kinds, for the registry) and what the stream worker builds from
// its settings (the GitLab driver of its identity, the sync activities, the reporter and
// the event handler). The worker service only wires this to its transport and the engine.
import type { EcosystemDefinition, Logger, Sql } from '@packflow/core';
import type { EngineActivities, PipelineEngine } from '@packflow/engine';
import { GitlabForge } from '@packflow/forges';
import { StreamReporter } from './activities/stream.reporter.js';
import { SyncActivities } from './activities/sync.activities.js';
import { CiJobsReporter } from './handlers/ci-jobs.reporter.js';
import { CiResultsRecorder } from './handlers/ci-results.recorder.js';
import { DistGitPushes } from './handlers/dist-git.pushes.js';
import { KcidbReporter } from './handlers/kcidb.reporter.js';
import { StreamService } from './handlers/stream.service.js';
import { MrPairSchema } from './model/mr-pair.entity.js';
import { SyncRunSchema } from './model/sync-run.entity.js';
import { StepSyncStepSchema, SyncStepSchema } from './model/sync-step.entity.js';
import { STREAM_KINDS } from './model/stream.kinds.js';
import { StreamRepository } from './stream.repository.js';
import type { StreamSettings } from './stream.settings.js';
import { GitWorkspace } from '@packflow/source-git';

export const STREAM_ECOSYSTEM: EcosystemDefinition = {
  name: 'stream',
  base: 'stream',
  entities: [MrPairSchema, SyncRunSchema, SyncStepSchema, StepSyncStepSchema],
  kinds: STREAM_KINDS,
};

export interface Stream {
  /** The forge instance this deployment serves (the engine's reconciler looks after its projects). */
  instances: string[];
  /** What the engine runs for sync steps, and the reporter of every change. */
  activities: EngineActivities;
  /** The event handler, on the engine made with these activities. */
  handler(engine: PipelineEngine): StreamService;
}

export function createStream(deps: { sql: Sql; settings: Readonly<StreamSettings>; logger: Logger }): Stream {
  const { sql, settings, logger } = deps;
  const repository = new StreamRepository(sql);
  const forge = new GitlabForge({ host: settings.gitlab.url, token: settings.gitlab.token });
  const workspace = new GitWorkspace(settings.workDir, settings.gitlab.token);
  const sync = new SyncActivities({ forge, repository, workspace, settings, logger });
  const reporter = new StreamReporter(forge, settings.dashboardUrl, logger);
  return {
    instances: [new URL(settings.gitlab.instanceUrl).origin],
    activities: {
      jobs: {
        sync_convert: sync.convert(),
        sync_push: sync.push(),
        sync_merge_request: sync.mergeRequest(),
        sync_ci: sync.ci(),
      },
      report: (changes) => reporter.report(changes),
    },
    handler: (engine) =>
      new StreamService({
        repository,
        engine,
        forge,
        pushes: new DistGitPushes({ forge, repository, workspace, settings }),
        results: new CiResultsRecorder(sql, logger),
        jobs: new CiJobsReporter(forge, logger),
        kcidb: new KcidbReporter(repository, forge, logger),
        instanceUrl: settings.gitlab.instanceUrl,
        logger,
      }),
  };
}
