// Reports every change of a sync step as a GitLab commit status on the source-git merge
// request's head: the conversion, the push, the dist-git merge request and, kept up to
// date by the dist-git pipeline's hooks, the dist-git CI result.
import type { Logger, TargetStatus } from '@packflow/core';
import type { TargetChange } from '@packflow/engine';
import type { GitlabForge, ReportState } from '@packflow/forges';
import { repoOf } from './sync.activities.js';

const NAMES: Record<string, string> = {
  sync_convert: 'source-git: convert to dist-git',
  sync_push: 'source-git: push to dist-git fork',
  sync_merge_request: 'dist-git merge request',
  sync_ci: 'dist-git CI',
};

const STATES: Record<TargetStatus, ReportState> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  success: 'success',
  failure: 'failure',
  error: 'error',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

function title(change: TargetChange): string {
  const { status, reason } = change.target;
  if (reason && status !== 'success') return reason;
  if (change.job === 'sync_ci') {
    return status === 'success'
      ? 'The dist-git merge request passed CI'
      : status === 'failure'
        ? 'The dist-git merge request failed CI'
        : 'Waiting for the dist-git merge request CI';
  }
  return status;
}

export class StreamReporter {
  constructor(
    private readonly forge: GitlabForge,
    private readonly dashboardUrl: string,
    private readonly logger: Logger,
  ) {}

  async report(changes: TargetChange[]): Promise<void> {
    for (const change of changes) {
      const { project, commitSha, id } = change.pipeline;
      const name = NAMES[change.job] ?? change.job;
      await this.forge.reportStatus(repoOf(`${project.namespace}/${project.repo}`), {
        name,
        sha: commitSha,
        state: STATES[change.target.status] ?? 'queued',
        title: title(change),
        detailsUrl: change.target.webUrl ?? `${this.dashboardUrl.replace(/\/+$/, '')}/pipelines/${id}`,
      });
      this.logger.debug({ name, status: change.target.status, sha: commitSha }, 'sync step reported');
    }
  }
}
