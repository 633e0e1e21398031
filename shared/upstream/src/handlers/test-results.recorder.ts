// Records what Testing Farm ran in the results store, as KCIDB objects of origin
// `packflow`: checkout = the commit, build = the Copr chroot build, test = each tmt test
// with its path, status, duration and log.
import type { TestRequest } from '@packflow/clients';
import type { Logger, Sql } from '@packflow/core';
import { loadKcidbReport, type KcidbReport } from '@packflow/results';
import { UpstreamRepository } from '../upstream.repository.js';

const ORIGIN = 'packflow';

const STATUS: Record<string, 'PASS' | 'FAIL' | 'ERROR' | 'SKIP' | 'DONE' | 'MISS'> = {
  passed: 'PASS',
  pass: 'PASS',
  failed: 'FAIL',
  fail: 'FAIL',
  error: 'ERROR',
  errored: 'ERROR',
  skipped: 'SKIP',
  skip: 'SKIP',
  pending: 'MISS',
  info: 'DONE',
  warn: 'DONE',
};

/** `/tests/smoke test` -> `tests.smoke_test`: a dotted KCIDB path. */
export function kcidbPath(name: string): string {
  return name
    .split('/')
    .map((s) => s.replace(/[^A-Za-z0-9_-]+/g, '_'))
    .filter(Boolean)
    .join('.');
}

export class TestResultsRecorder {
  private readonly repository: UpstreamRepository;

  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {
    this.repository = new UpstreamRepository(sql);
  }

  /** Records the request's results; false when no test target has recorded this request (yet). */
  async record(request: TestRequest): Promise<boolean> {
    const origin = await this.repository.testOrigin(request.id);
    if (!origin) return false;
    const checkoutId = `${ORIGIN}:${origin.sha}`;
    const buildId = `${ORIGIN}:copr-${origin.buildExternalId ?? 'none'}-${origin.chroot}`;
    const arch = /-([a-z0-9_]+)$/.exec(origin.chroot)?.[1] ?? '';
    const https = origin.project.startsWith('https://') ? `${origin.project}.git` : undefined;
    const report: KcidbReport = {
      version: { major: 5, minor: 3 },
      checkouts: [
        {
          id: checkoutId,
          origin: ORIGIN,
          tree_name: origin.project.replace(/^https?:\/\/[^/]+\//, ''),
          ...(https ? { git_repository_url: https } : {}),
          ...(/^[0-9a-f]{40}$/.test(origin.sha) ? { git_commit_hash: origin.sha } : {}),
          ...(origin.refKind === 'branch' ? { git_repository_branch: origin.refName } : {}),
          valid: true,
        },
      ],
      builds: [
        {
          id: buildId,
          origin: ORIGIN,
          checkout_id: checkoutId,
          architecture: arch,
          config_name: origin.chroot,
          status: 'PASS',
          ...(origin.buildLogUrl ? { log_url: origin.buildLogUrl } : {}),
        },
      ],
      tests: request.tests.map((t, i) => ({
        id: `${ORIGIN}:tf-${request.id}-${i}`,
        origin: ORIGIN,
        build_id: buildId,
        path: kcidbPath(t.name),
        status: STATUS[t.result.toLowerCase()] ?? 'DONE',
        ...(t.durationSeconds !== null ? { duration: t.durationSeconds } : {}),
        ...(t.logUrl ? { log_url: t.logUrl } : {}),
        environment: { comment: `Testing Farm request ${request.id}`, misc: { platform: origin.chroot } },
        ...(t.plan ? { misc: { plan: t.plan } } : {}),
      })),
    } as KcidbReport;
    const counts = await loadKcidbReport(this.sql, report);
    this.logger.info({ request: request.id, tests: counts.tests }, 'test results recorded');
    return true;
  }
}
