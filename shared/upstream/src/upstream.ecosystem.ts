// The upstream ecosystem as one unit: what it brings to every process (its migration
// base, entities and item kinds, for the registry) and what a worker builds from its
// settings (forge drivers, Copr and Testing Farm activities, the status reporter and the
// event handler). The worker service only wires this to its transport and the engine.
import { CoprClient, KojiClient, LookasideClient, ReleaseMonitoringClient, TestingFarmClient } from '@packflow/clients';
import { loadReleaseTable, resolveTargets } from '@packflow/config';
import type { EcosystemDefinition, Logger, Sql } from '@packflow/core';
import type { ActivityDefinition, EngineActivities, PipelineEngine } from '@packflow/engine';
import type { PagureForge } from '@packflow/forges';
import { GitWorkspace } from '@packflow/source-git';
import { coprActivities } from './activities/copr.activities.js';
import { downstreamActivity } from './activities/downstream.activities.js';
import { upstreamKojiBuildActivity } from './activities/koji.activities.js';
import { StatusReporter } from './activities/status.reporter.js';
import { testingFarmActivities } from './activities/testing-farm.activities.js';
import { ForgeRegistry, type ForgeIdentities } from './forge/forge.registry.js';
import { TestResultsRecorder } from './handlers/test-results.recorder.js';
import { KojiEventsHandler } from './handlers/koji-events.handler.js';
import { UpstreamService } from './handlers/upstream.service.js';
import { Sidetags } from './activities/sidetags.js';
import { UPSTREAM_ENTITIES } from './model/upstream.entities.js';
import { UPSTREAM_KINDS } from './model/upstream.kinds.js';
import { UpstreamRepository } from './upstream.repository.js';
import type { DownstreamSettings } from './downstream.settings.js';
import type { KojiSettings } from './koji.settings.js';
import { fedoraJobs } from './activities/fedora.jobs.js';
import type { BodhiSettings } from './fedora.settings.js';

export const UPSTREAM_ECOSYSTEM: EcosystemDefinition = {
  name: 'upstream',
  base: 'upstream',
  entities: UPSTREAM_ENTITIES,
  kinds: UPSTREAM_KINDS,
};

/** The deployment settings the upstream ecosystem runs on (part of the worker's config). */
export interface UpstreamSettings extends ForgeIdentities {
  copr: { url: string; login?: string; token?: string; owner: string };
  testingFarm: { url: string; apiKey?: string };
  /** The Koji hub of upstream_koji_build jobs; none: those jobs cannot run here. */
  koji?: KojiSettings;
  /** The Bodhi identity of bodhi_update jobs (with `koji`); none: those jobs cannot run here. */
  bodhi?: BodhiSettings;
  /** The Fedora dist-git identity of propose_downstream and pull_from_upstream; none: those jobs cannot run here. */
  downstream?: DownstreamSettings;
  /** Where Testing Farm reaches the scheduler (`…/webhooks/testing-farm`). */
  publicUrl: string;
  /** The dashboard, for links on check runs. */
  dashboardUrl: string;
  /** The operator's release table; the shipped one otherwise. */
  releasesFile?: string;
}

export interface Upstream {
  /** The forge instances this deployment serves (the engine's reconciler looks after their projects). */
  instances: string[];
  /** What the engine runs for upstream jobs, and the reporter of every change. */
  activities: EngineActivities;
  /** The event handler, on the engine made with these activities. */
  handler(engine: PipelineEngine): UpstreamService;
}

export function createUpstream(deps: { sql: Sql; settings: Readonly<UpstreamSettings>; logger: Logger }): Upstream {
  const { sql, settings, logger } = deps;
  const repository = new UpstreamRepository(sql);
  const forges = new ForgeRegistry(settings);
  const copr = new CoprClient({
    baseUrl: settings.copr.url,
    login: settings.copr.login ?? '',
    token: settings.copr.token ?? '',
  });
  const testingFarm = new TestingFarmClient({
    baseUrl: settings.testingFarm.url,
    apiKey: settings.testingFarm.apiKey ?? '',
  });
  const reporter = new StatusReporter(forges, repository, settings.dashboardUrl, logger);
  const releases = loadReleaseTable(settings.releasesFile);
  const { srpm, rpm } = coprActivities({
    copr,
    defaultOwner: settings.copr.owner,
    // Packit runs the SRPM script in the latest stable Fedora.
    scriptChroot: resolveTargets(['fedora-latest-stable'], releases)[0],
  });
  const kojiClient = settings.koji
    ? new KojiClient({
        hubUrl: settings.koji.hubUrl,
        auth: settings.koji.auth,
        serverCaPath: settings.koji.serverCaPath,
      })
    : undefined;
  const koji =
    settings.koji && kojiClient
      ? upstreamKojiBuildActivity({ koji: kojiClient, copr, kojiWebUrl: settings.koji.webUrl })
      : undefined;
  // The dist-git jobs go through the registry's one PagureForge (the PAGURE_* identity).
  const pagure = forges.distGit();
  const sidetags = kojiClient ? new Sidetags(kojiClient, repository) : undefined;
  const fedora = fedoraJobs({
    koji: settings.koji && kojiClient ? { client: kojiClient, webUrl: settings.koji.webUrl } : undefined,
    bodhi: settings.bodhi,
    sidetags,
    pagure,
  });
  const distGit =
    settings.downstream && pagure
      ? {
          pagure,
          gitUrl: settings.downstream.gitUrl,
          releaseMonitoring: new ReleaseMonitoringClient({ baseUrl: settings.downstream.releaseMonitoringUrl }),
        }
      : undefined;
  const downstream = distGit ? downstreamActivityOf(settings.downstream!, forges, distGit.pagure) : undefined;
  return {
    instances: forges.instances(),
    activities: {
      jobs: {
        srpm_build: srpm,
        copr_build: rpm,
        tests: testingFarmActivities({ testingFarm, repository, publicUrl: settings.publicUrl }),
        ...(koji ? { upstream_koji_build: koji } : {}),
        ...fedora,
        ...(downstream ? { propose_downstream: downstream, pull_from_upstream: downstream } : {}),
      },
      report: (changes) => reporter.report(changes),
    },
    handler: (engine) => {
      const releases = loadReleaseTable(settings.releasesFile);
      return new UpstreamService({
        repository,
        engine,
        forges,
        releases,
        testingFarm,
        results: new TestResultsRecorder(sql, logger),
        logger,
        distGit,
        koji:
          distGit && kojiClient && sidetags
            ? new KojiEventsHandler({ repository, engine, releases, distGit, koji: kojiClient, sidetags })
            : undefined,
      });
    },
  };
}

function downstreamActivityOf(d: DownstreamSettings, forges: ForgeRegistry, pagure: PagureForge): ActivityDefinition {
  return downstreamActivity({
    pagure,
    gitBaseUrl: d.gitUrl,
    lookaside: new LookasideClient(d.lookaside),
    // Pagure takes its API token as the password of https pushes (any user name works for it).
    workspace: new GitWorkspace(d.workDir, forges.distGitToken() ?? '', 'packflow'),
    gitIdentity: d.gitIdentity,
    upstreamForge: (project) => forges.for(project),
  });
}
