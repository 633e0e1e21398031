// What the upstream activities share: their retry policy and what they derive from the
// pipeline a task belongs to (its project, ref and commit come with the task).
import type { PipelineContext, RetryPolicy } from '@packflow/engine';

/** The part of a pipeline these helpers look at. */
type PipelineOf = Pick<PipelineContext, 'project' | 'ref'>;

/** Forge and build-system calls: retry transient failures a few times, quickly at first. */
export const EXTERNAL_RETRY: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 2_000,
  backoffFactor: 3,
  maxDelayMs: 120_000,
};

/** `<owner>/<repo>-<pr>` style Copr project names (Packit's convention), from the pipeline. */
export function coprProjectName(view: PipelineOf, options: Record<string, unknown>): string {
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

export function cloneUrl(view: Pick<PipelineContext, 'project'>): string {
  return `${view.project.instanceUrl.replace(/\/$/, '')}/${view.project.namespace}/${view.project.repo}.git`;
}
