// Reports every target's status on the forge: GitHub check runs / GitLab commit statuses
// named as Packit names them (`rpm-build:fedora-41-x86_64`, `testing-farm:fedora-41-x86_64`,
// `:identifier` when set, or the job's `status_name_template`), with a link to the
// pipeline in the dashboard and an external id that maps a re-run request back.
import type { ForgeClient, ReportState } from '@packflow/forges';
import { ITEM_KINDS, type Logger, type PipelineView, type Sql, type TargetStatus } from '@packflow/core';
import type { TargetChange, TargetState } from '@packflow/engine';
import type { ActivityContext } from './activity-context.js';
import { ForgeRegistry } from '../runtime/forge.registry.js';

const PREFIX: Record<string, string> = {
  srpm_build: 'srpm-build',
  copr_build: 'rpm-build',
  tests: 'testing-farm',
  koji_build: 'koji-build',
  upstream_koji_build: 'koji-build',
};

const STATE: Record<TargetStatus, ReportState> = {
  pending: 'queued',
  queued: 'queued',
  running: 'running',
  success: 'success',
  failure: 'failure',
  error: 'error',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

const WORDS: Record<TargetStatus, string> = {
  pending: 'waiting for what it needs',
  queued: 'queued',
  running: 'running',
  success: 'succeeded',
  failure: 'failed',
  error: 'errored',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export function statusName(job: string, target: string, identifier: string | null, template?: unknown): string {
  if (typeof template === 'string' && template.trim()) {
    return template.replace(
      /\{\{\s*(\w+)\s*\}\}/g,
      (whole, key: string) =>
        ({ job_name: job, job, chroot: target, target, identifier: identifier ?? '' })[key] ?? whole,
    );
  }
  if (job === 'srpm_build') return PREFIX.srpm_build;
  return [PREFIX[job] ?? job.replace(/_/g, '-'), target, identifier].filter(Boolean).join(':');
}

/** `<pipeline>:<step>:<target>`: what a re-run request of one check names. */
export const externalIdOf = (pipelineId: string, stepId: string, target: string) => `${pipelineId}:${stepId}:${target}`;

export function parseExternalId(
  value: string | null | undefined,
): { pipelineId: string; stepId: string; target: string } | undefined {
  const m = /^(\d+):(\d+):(.+)$/.exec(value ?? '');
  return m ? { pipelineId: m[1], stepId: m[2], target: m[3] } : undefined;
}

export class StatusReporter {
  constructor(
    private readonly forges: ForgeRegistry,
    private readonly context: ActivityContext,
    private readonly sql: Sql,
    private readonly dashboardUrl: string,
    private readonly logger: Logger,
  ) {}

  /** Reports a batch of changes: one pipeline read per pipeline, the statuses sent concurrently. */
  async report(changes: TargetChange[]): Promise<void> {
    const views = new Map<string, Promise<PipelineView>>();
    const viewOf = (id: string) => views.get(id) ?? (views.set(id, this.context.pipeline(id)), views.get(id)!);
    const results = await Promise.allSettled(
      changes.map(async (change) => {
        const view = await viewOf(change.pipelineIds[change.pipelineIds.length - 1]);
        await this.reportOne(view, change.stepId, change.job, change.target);
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * `notifications.failure_comment.message` of the job: posted on the pull request once
   * per failed target (the first report of the failure; later reports find it noted).
   */
  private async commentOnFailure(
    forge: ForgeClient,
    view: PipelineView,
    options: Record<string, unknown>,
    name: string,
    target: TargetState,
  ): Promise<void> {
    const message = (options.notifications as { failure_comment?: { message?: unknown } } | undefined)?.failure_comment
      ?.message;
    if (typeof message !== 'string' || !message.trim() || view.ref.kind !== 'pull_request') return;
    if ((target.status !== 'failure' && target.status !== 'error') || target.data?.failureCommented) return;
    const { rowCount } = await this.sql.query(
      `update ${ITEM_KINDS[target.kind].targetTable} set data = jsonb_set(coalesce(data, '{}'), '{failureCommented}', 'true')
        where id = $1 and coalesce((data->>'failureCommented')::boolean, false) = false`,
      [target.id],
    );
    if (!rowCount) return;
    const body = message.replace(
      /\{\{\s*packit_dashboard_url\s*\}\}/g,
      `${this.dashboardUrl.replace(/\/$/, '')}/pipelines/${view.id}`,
    );
    await forge.comment(
      ForgeRegistry.repo(view.project),
      { pullRequest: Number(view.ref.name) },
      `${body}\n\n(${name}: ${target.reason ?? target.status})`,
    );
  }

  private async reportOne(view: PipelineView, stepId: string, job: string, target: TargetState): Promise<void> {
    const step = view.steps.find((s) => s.id === stepId);
    const options = step?.options ?? {};
    const forge: ForgeClient = this.forges.for(view.project);
    const name = statusName(job, target.target, step?.identifier ?? null, options.status_name_template);
    const words = WORDS[target.status];
    const what = job === 'tests' ? 'Tests' : job === 'srpm_build' ? 'SRPM build' : 'Build';
    const reported = await forge.reportStatus(ForgeRegistry.repo(view.project), {
      name,
      sha: view.commitSha,
      state: STATE[target.status],
      title: target.reason ? `${what} ${words}: ${target.reason}` : `${what} ${words}`,
      detailsUrl: `${this.dashboardUrl.replace(/\/$/, '')}/pipelines/${view.id}`,
      externalId: externalIdOf(view.id, stepId, target.target),
      id: typeof target.data?.forgeStatusId === 'string' ? target.data.forgeStatusId : undefined,
      ref: view.ref.kind === 'branch' ? view.ref.name : undefined,
    });
    await this.commentOnFailure(forge, view, options, name, target);
    if (reported.id !== target.data?.forgeStatusId) {
      await this.sql.query(
        `update ${ITEM_KINDS[target.kind].targetTable} set data = jsonb_set(coalesce(data, '{}'), '{forgeStatusId}', to_jsonb($2::text)) where id = $1`,
        [target.id, reported.id],
      );
    }
    this.logger.debug({ name, state: target.status, pipelineId: view.id }, 'status reported');
  }
}
