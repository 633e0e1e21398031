// Records a finished dist-git merge request pipeline in the results store, as KCIDB
// objects of origin `packflow`: checkout = the dist-git commit the sync pushed, build = the
// merge request's pipeline, tests = its overall result and each finished job's (from the
// hook's `builds`). Ids are derived from the pipeline and its jobs, so a redelivered hook
// overwrites the same rows.
import type { Logger, Sql } from '@packflow/core';
import { loadKcidbReport, type KcidbReport } from '@packflow/results';
import type { CiJob } from './ci-jobs.reporter.js';

/** The KCIDB origin of packflow's own records (the dist-git pipelines). */
export const PACKFLOW_ORIGIN = 'packflow';
const ORIGIN = PACKFLOW_ORIGIN;

const STATUS: Record<string, 'PASS' | 'FAIL' | 'ERROR' | 'SKIP'> = {
  success: 'PASS',
  failed: 'FAIL',
  canceled: 'ERROR',
  skipped: 'SKIP',
};

export interface DistGitPipeline {
  /** `https://gitlab.com`. */
  instanceUrl: string;
  /** `redhat/centos-stream/rpms/bash`. */
  project: string;
  sha: string;
  pipelineId: string;
  status: string;
  mergeRequest: number | null;
  jobs: CiJob[];
}

export class CiResultsRecorder {
  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** Records a finished pipeline; one still running records nothing. */
  async record(p: DistGitPipeline): Promise<void> {
    const status = STATUS[p.status];
    if (!status) return;
    const checkoutId = `${ORIGIN}:${p.sha}`;
    const buildId = `${ORIGIN}:gitlab-pipeline-${p.pipelineId}`;
    const url = `${p.instanceUrl}/${p.project}/-/pipelines/${p.pipelineId}`;
    const report = {
      version: { major: 5, minor: 3 },
      checkouts: [
        {
          id: checkoutId,
          origin: ORIGIN,
          tree_name: p.project,
          git_repository_url: `${p.instanceUrl}/${p.project}.git`,
          ...(/^[0-9a-f]{40}$/.test(p.sha) ? { git_commit_hash: p.sha } : {}),
          valid: true,
        },
      ],
      builds: [
        {
          id: buildId,
          origin: ORIGIN,
          checkout_id: checkoutId,
          config_name: p.mergeRequest !== null ? `merge request !${p.mergeRequest}` : 'pipeline',
          status: 'PASS',
          log_url: url,
        },
      ],
      tests: [
        {
          id: `${buildId}-ci`,
          origin: ORIGIN,
          build_id: buildId,
          path: 'dist_git.ci',
          status,
          log_url: url,
          environment: { comment: `GitLab pipeline ${p.pipelineId} of ${p.project}` },
        },
        ...p.jobs
          .filter((job) => STATUS[job.status])
          .map((job) => ({
            id: `${buildId}-job-${job.id}`,
            origin: ORIGIN,
            build_id: buildId,
            path: `dist_git.ci.${job.name.replace(/[^A-Za-z0-9_-]+/g, '_')}`,
            status: job.status === 'failed' && job.allowFailure ? 'PASS' : STATUS[job.status],
            log_url: `${p.instanceUrl}/${p.project}/-/jobs/${job.id}`,
            environment: { comment: `GitLab job ${job.id} (${job.name}) of pipeline ${p.pipelineId}` },
          })),
      ],
    } as KcidbReport;
    await loadKcidbReport(this.sql, report);
    this.logger.info({ pipeline: p.pipelineId, status }, 'dist-git CI result recorded');
  }
}
