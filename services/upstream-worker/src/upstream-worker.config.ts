import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { readWorkerTransportConfig, type WorkerTransportConfig } from '@packflow/messaging';
import {
  readBodhiSettings,
  readDownstreamSettings,
  readForgeIdentities,
  readKojiSettings,
  type UpstreamSettings,
} from '@packflow/upstream';

export interface UpstreamWorkerConfig extends CommonConfig, UpstreamSettings {
  /** JetStream: stream, durable `WORKER_DURABLE` (upstream-worker), subjects `WORKER_SUBJECTS` (upstream.>). */
  transport: WorkerTransportConfig;
  /**
   * This deployment's GitHub App: it serves the projects on `instanceUrl`
   * (`GITHUB_INSTANCE_URL`, https://github.com). Absent: no GitHub project is served.
   */
  github?: { appId: string; privateKey: string; apiUrl: string; instanceUrl: string };
  /**
   * This deployment's GitLab identity: the API at `url` (`GITLAB_URL`), serving the
   * projects on `instanceUrl` (`GITLAB_INSTANCE_URL`, the same as GITLAB_URL unless set).
   */
  gitlab?: { url: string; token: string; instanceUrl: string };
  copr: { url: string; login?: string; token?: string; owner: string };
  testingFarm: { url: string; apiKey?: string };
  /** Where Testing Farm reaches the scheduler (`…/webhooks/testing-farm`). */
  publicUrl: string;
  /** The dashboard, for links on check runs. */
  dashboardUrl: string;
  /** How often the reconciler looks for overdue builds and tests. */
  reconcileIntervalMs: number;
  /** How long a queued target waits for its submit before the reconciler retries it (SUBMIT_LEASE_MS, 60 s). */
  submitLeaseMs: number;
  /** How long a report may take before the reconciler sends it again (REPORT_GRACE_MS, 60 s). */
  reportGraceMs: number;
  /** The operator's release table (PACKFLOW_RELEASES_FILE); the shipped one otherwise. */
  releasesFile?: string;
}

export function loadUpstreamWorkerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Readonly<UpstreamWorkerConfig> {
  const r = new EnvReader(env);
  const identities = readForgeIdentities(r);
  return r.done({
    ...readCommonConfig(r),
    transport: readWorkerTransportConfig(r, { durable: 'upstream-worker', subjects: ['upstream.>'] }),
    ...identities,
    copr: {
      url: r.url('COPR_URL', 'https://copr.fedorainfracloud.org', ['http', 'https'])!,
      login: r.optional('COPR_LOGIN'),
      token: r.secret('COPR_TOKEN'),
      owner: r.string('COPR_OWNER', 'packit'),
    },
    testingFarm: {
      url: r.url('TESTING_FARM_URL', 'https://api.testing-farm.io', ['http', 'https'])!,
      apiKey: r.secret('TESTING_FARM_API_KEY'),
    },
    koji: readKojiSettings(r),
    bodhi: readBodhiSettings(r),
    downstream: readDownstreamSettings(r, identities.pagure),
    publicUrl: r.url('PACKFLOW_PUBLIC_URL', 'http://127.0.0.1:8080', ['http', 'https'])!,
    dashboardUrl: r.url('DASHBOARD_URL', 'http://127.0.0.1:8081', ['http', 'https'])!,
    reconcileIntervalMs: r.int('RECONCILE_INTERVAL_MS', 60_000, { min: 100 }),
    submitLeaseMs: r.int('SUBMIT_LEASE_MS', 60_000, { min: 100 }),
    reportGraceMs: r.int('REPORT_GRACE_MS', 60_000, { min: 100 }),
    releasesFile: r.optional('PACKFLOW_RELEASES_FILE'),
  });
}
