import { NotFoundError, PipelineRepository, type PipelineView, type Sql } from '@packflow/core';
import type { RetryPolicy } from '@packflow/engine';

/** What activities need to know about the pipeline a target belongs to. */
export class ActivityContext {
  private readonly pipelines: PipelineRepository;

  constructor(readonly sql: Sql) {
    this.pipelines = new PipelineRepository(sql);
  }

  async pipeline(pipelineId: string): Promise<PipelineView> {
    const view = await this.pipelines.getView(pipelineId);
    if (!view) throw new NotFoundError('pipeline', pipelineId);
    return view;
  }
}

/** Forge and build-system calls: retry transient failures a few times, quickly at first. */
export const EXTERNAL_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 2_000,
  backoffFactor: 3,
  maxDelayMs: 120_000,
};

/** `<owner>/<repo>-<pr>` style Copr project names (Packit's convention), from the pipeline. */
export function coprProjectName(view: PipelineView, options: Record<string, unknown>): string {
  if (typeof options.project === 'string' && options.project) return options.project;
  // As Packit names them: GitHub projects by namespace and repo, others with their host in
  // front, so the same path on GitHub and GitLab never shares a Copr project.
  const host = new URL(view.project.instanceUrl).host;
  const owner = host === 'github.com' ? view.project.namespace : `${host}-${view.project.namespace}`;
  const base = `${owner}-${view.project.repo}`.replace(/[^A-Za-z0-9_.-]+/g, '-');
  const suffix =
    view.ref.kind === 'pull_request' ? view.ref.name : view.ref.kind === 'branch' ? view.ref.name : 'releases';
  return `${base}-${suffix}`.replace(/[^A-Za-z0-9_.-]+/g, '-');
}

export function cloneUrl(view: PipelineView): string {
  return `${view.project.instanceUrl.replace(/\/$/, '')}/${view.project.namespace}/${view.project.repo}.git`;
}
