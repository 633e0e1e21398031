// Reports each job of a dist-git merge request pipeline as a commit status of its own on
// the source-git merge request's head (`dist-git CI: <job>`), beside the sync's
// `dist-git CI` step status (the pipeline as a whole, which reruns act on). Every Pipeline
// Hook lists all of the pipeline's jobs with their current status, so each hook brings
// every job's status up to date. A hook delivered late never sets a job back: a job is
// left alone when its status there already belongs to a newer job of that name (GitLab
// gives a retried job a new id) or is finished for this very job.
import type { Logger } from '@packflow/core';
import type { GitlabForge, ReportState, RepoId } from '@packflow/forges';

/** A job as the event carries it (GitLab's `builds`). */
export interface CiJob {
  id: string;
  name: string;
  stage: string | null;
  status: string;
  allowFailure: boolean;
}

/** GitLab job statuses -> report states; `manual` (waiting for someone to start it) is reported once it runs. */
const JOB_STATES: Record<string, ReportState | undefined> = {
  created: 'queued',
  waiting_for_resource: 'queued',
  preparing: 'queued',
  pending: 'queued',
  scheduled: 'queued',
  running: 'running',
  success: 'success',
  failed: 'failure',
  canceled: 'cancelled',
  skipped: 'skipped',
};

const FINISHED = new Set(['success', 'failed', 'canceled']);

/** The commit status name of a dist-git CI job. */
export const ciJobStatusName = (job: Pick<CiJob, 'name'>) => `dist-git CI: ${job.name}`;

/** The job a reported status is of, read back from its target URL (`…/-/jobs/<id>`). */
function jobIdOf(targetUrl: string | null): bigint | undefined {
  const id = targetUrl ? /\/-\/jobs\/(\d+)$/.exec(targetUrl)?.[1] : undefined;
  return id ? BigInt(id) : undefined;
}

export class CiJobsReporter {
  constructor(
    private readonly forge: GitlabForge,
    private readonly logger: Logger,
  ) {}

  /** Reports `jobs` of a pipeline of dist-git project `distGit` (`instanceUrl/path`) on `sourceGit`'s commit `sha`. */
  async report(p: { instanceUrl: string; distGitPath: string; jobs: CiJob[]; sourceGit: RepoId; sha: string }) {
    for (const job of p.jobs) {
      const state = job.status === 'failed' && job.allowFailure ? 'success' : JOB_STATES[job.status];
      if (!state) continue;
      const name = ciJobStatusName(job);
      const reported = await this.forge.findCommitStatus(p.sourceGit, p.sha, name);
      const reportedJob = jobIdOf(reported?.targetUrl ?? null);
      const id = BigInt(job.id);
      if (reportedJob !== undefined && (reportedJob > id || (reportedJob === id && FINISHED.has(reported!.status)))) {
        this.logger.debug({ job: job.id, status: job.status, reported: reported!.status }, 'older job state: left');
        continue;
      }
      await this.forge.reportStatus(p.sourceGit, {
        name,
        sha: p.sha,
        state,
        title: `${job.stage ? `${job.stage}: ` : ''}${job.name} ${job.status}${job.allowFailure && job.status === 'failed' ? ' (allowed to fail)' : ''}`,
        detailsUrl: `${p.instanceUrl.replace(/\/+$/, '')}/${p.distGitPath}/-/jobs/${job.id}`,
      });
    }
  }
}
