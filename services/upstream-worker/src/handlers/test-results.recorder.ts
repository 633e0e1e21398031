// Records what Testing Farm ran in the results store, as KCIDB objects of origin
// `packflow`: checkout = the commit, build = the Copr chroot build, test = each tmt test
// with its path, status, duration and log.
import type { TestRequest } from '@packflow/clients';
import type { Logger, Sql } from '@packflow/core';
import { loadKcidbReport, type KcidbReport } from '@packflow/results';

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

interface Origin {
  project: string;
  sha: string;
  ref_kind: string;
  ref_name: string;
  chroot: string;
  build_target_id: string | null;
  build_external_id: string | null;
  build_log_url: string | null;
}

export class TestResultsRecorder {
  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** Where a Testing Farm request came from: the commit and the chroot build it tested. */
  private async originOf(requestId: string): Promise<Origin | undefined> {
    const { rows } = await this.sql.query<Origin>(
      `select pr.instance_url || '/' || pr.namespace || '/' || pr.repo as project, c.sha, r.kind as ref_kind, r.name as ref_name,
              t.target as chroot, b.id::text as build_target_id, b.external_id as build_external_id, b.log_url as build_log_url
         from upstream.test_run_targets t
         join upstream.pipeline_step_test_run_targets l on l.test_run_target_id = t.id
         join shared.pipeline_steps s on s.id = l.step_id
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
         join shared.projects pr on pr.id = p.project_id
         left join lateral (
           select bt.* from shared.pipeline_step_edges e
             join upstream.pipeline_step_copr_build_targets bl on bl.step_id = e.from_step_id
             join upstream.copr_build_targets bt on bt.id = bl.copr_build_target_id and bt.target = t.target
            where e.to_step_id = s.id limit 1) b on true
        where t.external_id = $1
        order by p.id limit 1`,
      [requestId],
    );
    return rows[0];
  }

  async record(request: TestRequest): Promise<void> {
    const origin = await this.originOf(request.id);
    if (!origin) {
      this.logger.warn({ request: request.id }, 'results of an unknown Testing Farm request not recorded');
      return;
    }
    const checkoutId = `${ORIGIN}:${origin.sha}`;
    const buildId = `${ORIGIN}:copr-${origin.build_external_id ?? 'none'}-${origin.chroot}`;
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
          ...(origin.ref_kind === 'branch' ? { git_repository_branch: origin.ref_name } : {}),
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
          ...(origin.build_log_url ? { log_url: origin.build_log_url } : {}),
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
  }
}
