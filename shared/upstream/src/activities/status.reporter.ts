// Reports every target's status on the forge: GitHub check runs / GitLab commit statuses
// named as Packit names them (status.name.ts), with a link to the
// pipeline in the dashboard and an external id that maps a re-run request back. Each
// change carries its pipeline's project, ref and commit and its step's options, read by
// the engine with the decision: reporting reads nothing more.
import { commentOnce, type ForgeClient, type RepoId, type ReportState, type StatusReport } from '@packflow/forges';
import type { Logger, TargetStatus } from '@packflow/core';
import type { TargetChange, TargetState } from '@packflow/engine';
import { formatCheckRunId } from '../check-run.id.js';
import { ForgeRegistry } from '../forge/forge.registry.js';
import { statusName } from './status.name.js';
import type { UpstreamRepository } from '../upstream.repository.js';

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

/** A change's status on its way to the forge. */
interface Outgoing {
  change: TargetChange;
  forge: ForgeClient;
  repo: RepoId;
  report: StatusReport;
}

export class StatusReporter {
  constructor(
    private readonly forges: ForgeRegistry,
    private readonly repository: UpstreamRepository,
    private readonly dashboardUrl: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Reports a batch of changes: the statuses of each repository as one batch of the forge
   * (GitHub lists a commit's check runs once, then creates or updates them all at once),
   * then each target's failure comment and dist-git flag, and the forge's ids of the
   * statuses recorded in one statement. A status that did not go out fails the report once
   * the others are out (the reconciler sends it again).
   */
  async report(changes: TargetChange[]): Promise<void> {
    const failures: unknown[] = [];
    const batches = new Map<string, Outgoing[]>();
    for (const change of changes) {
      try {
        const outgoing = this.outgoing(change);
        if (!outgoing) continue;
        const { project } = change.pipeline;
        const key = `${project.forge} ${project.instanceUrl} ${project.namespace}/${project.repo}`;
        batches.set(key, [...(batches.get(key) ?? []), outgoing]);
      } catch (error) {
        failures.push(error);
      }
    }
    const sent = (
      await Promise.all(
        [...batches.values()].map(async (batch) => {
          const results = await batch[0].forge.reportStatuses(
            batch[0].repo,
            batch.map((o) => o.report),
          );
          return batch.map((o, i) => ({ ...o, result: results[i] }));
        }),
      )
    ).flat();
    const after = await Promise.allSettled(
      sent.map(async ({ change, forge, report, result }) => {
        if (result.status === 'rejected') throw result.reason;
        await this.commentOnFailure(forge, change, report.name);
        await this.flagDistGitPullRequest(change, report.name);
        this.logger.debug(
          { name: report.name, state: change.target.status, pipelineId: change.pipeline.id },
          'status reported',
        );
      }),
    );
    await this.repository.setForgeStatusIds(
      sent.flatMap(({ change: { target }, result }) =>
        result.status === 'fulfilled' && result.value.id !== target.data?.forgeStatusId
          ? [{ kind: target.kind, targetId: target.id, statusId: result.value.id }]
          : [],
      ),
    );
    for (const r of after) if (r.status === 'rejected') failures.push(r.reason);
    if (failures.length > 0) throw failures[0];
  }

  private pipelineUrl(change: TargetChange): string {
    return `${this.dashboardUrl.replace(/\/$/, '')}/pipelines/${change.pipeline.id}`;
  }

  /**
   * `notifications.failure_comment.message` of the job: posted on the pull request once
   * per failed target. The intent is recorded first and the comment marked posted after;
   * a report after a crash in between finds the comment by its hidden marker (the key of
   * the target) and adopts it instead of posting a second one.
   */
  private async commentOnFailure(forge: ForgeClient, change: TargetChange, name: string): Promise<void> {
    const { pipeline, options, target } = change;
    const message = (options.notifications as { failure_comment?: { message?: unknown } } | undefined)?.failure_comment
      ?.message;
    if (typeof message !== 'string' || !message.trim() || pipeline.ref.kind !== 'pull_request') return;
    if ((target.status !== 'failure' && target.status !== 'error') || target.data?.failureCommented === true) return;
    const intent = await this.repository.intendFailureComment(target.kind, target.id);
    if (intent === 'posted') return;
    const body = message.replace(/\{\{\s*packit_dashboard_url\s*\}\}/g, this.pipelineUrl(change));
    await commentOnce(
      forge,
      ForgeRegistry.repo(pipeline.project),
      { pullRequest: Number(pipeline.ref.name) },
      `${body}\n\n(${name}: ${target.reason ?? target.status})`,
      { key: `failure-comment:${target.kind}:${target.id}`, lookFirst: intent === 'retry' },
    );
    await this.repository.failureCommentPosted(target.kind, target.id);
  }

  /**
   * propose_downstream and pull_from_upstream: the dist-git pull request a target opened
   * (or updated) gets the target's status as a flag on its head commit, when this
   * deployment has the Pagure identity.
   */
  private async flagDistGitPullRequest(change: TargetChange, name: string): Promise<void> {
    const { job, target } = change;
    if (job !== 'propose_downstream' && job !== 'pull_from_upstream') return;
    const { distGitProject, head, pullRequest } = (target.data ?? {}) as Record<string, unknown>;
    const pagure = this.forges.distGit();
    if (!pagure || typeof distGitProject !== 'string' || typeof head !== 'string') return;
    const slash = distGitProject.lastIndexOf('/');
    const repo = { namespace: distGitProject.slice(0, slash), repo: distGitProject.slice(slash + 1) };
    await pagure.reportStatus(repo, {
      name,
      sha: head,
      state: STATE[target.status],
      title: `${job === 'propose_downstream' ? 'Proposed from the upstream release' : 'Pulled from upstream'}: ${WORDS[target.status]}`,
      detailsUrl: this.pipelineUrl(change),
    });
    this.logger.debug({ name, pullRequest, state: target.status }, 'dist-git pull request flagged');
  }

  /** The status a change reports and the forge it goes to; undefined when it goes nowhere. */
  private outgoing(change: TargetChange): Outgoing | undefined {
    const { pipeline, job, target } = change;
    if (pipeline.project.forge === 'pagure' && !this.forges.serves(pipeline.project)) {
      // Dist-git pipelines (pull_from_upstream's) of a dist-git this deployment has no
      // Pagure identity for: nothing can be flagged there.
      this.logger.debug({ forge: pipeline.project.forge, pipelineId: pipeline.id }, 'no identity for this dist-git');
      return undefined;
    }
    const forge: ForgeClient = this.forges.for(pipeline.project);
    const words = WORDS[target.status];
    const what =
      job === 'tests'
        ? 'Tests'
        : job === 'srpm_build'
          ? 'SRPM build'
          : job === 'propose_downstream' || job === 'pull_from_upstream'
            ? 'Dist-git update'
            : 'Build';
    return {
      change,
      forge,
      repo: ForgeRegistry.repo(pipeline.project),
      report: {
        name: statusName({
          job,
          target: target.target,
          identifier: change.identifier,
          package: change.package,
          ref: pipeline.ref,
          template: change.options.status_name_template,
        }),
        sha: headOf(change),
        state: STATE[target.status],
        title: target.reason ? `${what} ${words}: ${target.reason}` : `${what} ${words}`,
        detailsUrl: this.pipelineUrl(change),
        externalId: formatCheckRunId({ pipelineId: pipeline.id, stepId: change.stepId, target: target.target }),
        id: forgeStatusIdOf(target),
        first: change.firstReport,
        ref: pipeline.ref.kind === 'branch' ? pipeline.ref.name : undefined,
      },
    };
  }
}

/** The commit a target's status goes on: its branch's own head where the step names one (`branch_heads`). */
function headOf(change: TargetChange): string {
  const heads = change.options.branch_heads as Record<string, unknown> | undefined;
  const head = heads?.[change.target.target];
  return typeof head === 'string' ? head : change.pipeline.commitSha;
}

const forgeStatusIdOf = (target: TargetState): string | undefined =>
  typeof target.data?.forgeStatusId === 'string' ? target.data.forgeStatusId : undefined;
