// What the stream worker does with each event. Source-git merge requests start sync
// pipelines (and close or reopen their dist-git merge requests); dist-git pipelines become
// results of the sync's CI step; pushes to dist-git that did not come from source-git are
// brought back as source-git merge requests; comment commands rerun parts of a sync.
// Transport-free: the JetStream controller calls `handle`, tests may call it directly.
import { ConflictError, type Logger } from '@packflow/core';
import type { Plan } from '@packflow/config';
import type { PipelineEngine, SignalState } from '@packflow/engine';
import type { EventMessage, EventMessageMeta, EventOfType, EventType, KcidbLoadedMessage } from '@packflow/events';
import { commentOnce, type GitlabForge } from '@packflow/forges';
import { ciExternalId, repoOf, type SyncOptions } from '../activities/sync.activities.js';
import { SYNC_JOBS } from '../model/stream.kinds.js';
import type { StreamRepository, StreamEventRow } from '../stream.repository.js';
import { distGitNamespaceOf, sourceGitNamespaceOf } from '../stream.settings.js';
import type { CiJobsReporter } from './ci-jobs.reporter.js';
import type { CiResultsRecorder } from './ci-results.recorder.js';
import type { DistGitPushes } from './dist-git.pushes.js';
import type { KcidbReporter } from './kcidb.reporter.js';
import { streamHelpText } from './help.text.js';

type Msg<T extends EventType> = EventOfType<T> & EventMessageMeta;
type MrEvent = Msg<'pull_request.opened' | 'pull_request.synchronize' | 'pull_request.reopened'>;

export interface StreamServiceDeps {
  repository: StreamRepository;
  engine: PipelineEngine;
  forge: GitlabForge;
  pushes: DistGitPushes;
  results: CiResultsRecorder;
  jobs: CiJobsReporter;
  kcidb: KcidbReporter;
  /** The forge instance the stream identity serves (`https://gitlab.com`). */
  instanceUrl: string;
  logger: Logger;
}

/**
 * The commands run on source-git merge requests (the rest get the help reply): `test` reruns
 * the dist-git CI, `build` the whole sync, and `propose-downstream` (Packit's word for
 * proposing a change to dist-git as a merge request) re-creates the dist-git merge request.
 */
const STREAM_COMMANDS = new Set(['test', 'build', 'propose-downstream']);

/** GitLab pipeline statuses -> results of the CI step (`created`, `pending`: nothing yet). */
const PIPELINE_SIGNALS: Record<string, SignalState | undefined> = {
  running: 'started',
  success: 'success',
  failed: 'failure',
  canceled: 'error',
  skipped: 'error',
};

export class StreamService {
  constructor(private readonly d: StreamServiceDeps) {}

  async handle(event: EventMessage | KcidbLoadedMessage, logger: Logger = this.d.logger): Promise<void> {
    if (event.type === 'kcidb.loaded') return this.d.kcidb.loaded(event, logger);
    if (event.project && !sameOrigin(event.project.instanceUrl, this.d.instanceUrl)) {
      logger.info(
        { instance: event.project.instanceUrl },
        'left alone: the stream identity does not serve this instance',
      );
      return;
    }
    const sourceGit = event.project ? distGitNamespaceOf(event.project.namespace) !== undefined : false;
    const distGit = event.project ? sourceGitNamespaceOf(event.project.namespace) !== undefined : false;
    switch (event.type) {
      case 'pull_request.opened':
      case 'pull_request.synchronize':
        if (sourceGit) return this.sync(event, logger);
        break;
      case 'pull_request.reopened':
        if (sourceGit) return this.reopened(event, logger);
        break;
      case 'pull_request.closed':
        if (sourceGit) return this.closed(event, logger);
        break;
      case 'pull_request.comment':
        if (sourceGit) return this.comment(event, logger);
        break;
      case 'ci_pipeline.updated':
        if (distGit) return this.pipeline(event, logger);
        break;
      case 'push.branch':
        if (distGit) return this.d.pushes.handle(event, logger);
        break;
      default:
        break;
    }
    logger.debug({ type: event.type, namespace: event.project?.namespace }, 'nothing to do for this event');
  }

  private async rowOf(event: EventMessageMeta): Promise<StreamEventRow> {
    const row = await this.d.repository.event(event.eventId);
    if (!row) throw new ConflictError(`event ${event.eventId} has no project recorded`);
    return row;
  }

  /** A new or updated source-git merge request: a sync pipeline for its head. */
  private async sync(event: MrEvent, logger: Logger): Promise<void> {
    const row = await this.rowOf(event);
    const { project, pullRequest } = event;
    const distNamespace = distGitNamespaceOf(project.namespace)!;
    const distGitPath = `${distNamespace}/${project.repo}`;
    const targetBranch = pullRequest.targetBranch;
    if (!targetBranch || !pullRequest.sourceBranch || !row.commitId) {
      logger.warn('merge request without branches or head commit: nothing to sync');
      return;
    }
    const distGitProjectId = await this.d.repository.projectId({ ...project, namespace: distNamespace });
    const pair = await this.d.repository.savePair({
      sourceGitProjectId: row.projectId,
      sourceGitMr: String(pullRequest.number),
      distGitProjectId,
      targetBranch,
      forkBranch: `source-git-mr-${pullRequest.number}`,
    });
    const sourceProject = pullRequest.sourceProject ?? project;
    const options: SyncOptions = {
      pairId: pair.id,
      sourceGit: {
        path: `${project.namespace}/${project.repo}`,
        sourceProject: `${sourceProject.namespace}/${sourceProject.repo}`,
        sourceBranch: pullRequest.sourceBranch,
        mr: pullRequest.number,
        url: pullRequest.url,
        title: pullRequest.title ?? `Source-git merge request !${pullRequest.number}`,
      },
      distGit: { path: distGitPath, branch: targetBranch },
      forkBranch: pair.forkBranch!,
    };
    const pipelineId = await this.d.engine.start(syncPlan(options), {
      projectId: row.projectId,
      commitId: row.commitId,
      eventId: event.eventId,
      trigger: 'pull_request',
      strategy: 'supersede',
    });
    logger.info({ pipelineId, distGit: distGitPath, branch: targetBranch }, 'sync pipeline started');
  }

  private async closed(event: Msg<'pull_request.closed'>, logger: Logger): Promise<void> {
    const row = await this.rowOf(event);
    const mr = String(event.pullRequest.number);
    await this.d.engine.cancelRef(row.projectId, 'pull_request', mr, 'source-git merge request closed');
    const pair = await this.d.repository.pair(row.projectId, mr);
    if (!pair) return;
    await this.d.repository.setPairState(pair.id, event.pullRequest.merged ? 'merged' : 'closed');
    if (!pair.distGitMr) return;
    const distRepo = repoOf(`${distGitNamespaceOf(event.project.namespace)}/${event.project.repo}`);
    const distMr = await this.d.forge.mergeRequest(distRepo, Number(pair.distGitMr));
    if (distMr.state !== 'opened') return;
    await this.d.forge.updateMergeRequest(distRepo, distMr.iid, { stateEvent: 'close' });
    logger.info({ distGitMr: distMr.iid }, 'source-git merge request closed: dist-git merge request closed');
  }

  private async reopened(event: MrEvent, logger: Logger): Promise<void> {
    const row = await this.rowOf(event);
    const pair = await this.d.repository.pair(row.projectId, String(event.pullRequest.number));
    if (!pair?.distGitMr) return this.sync(event, logger);
    const distRepo = repoOf(`${distGitNamespaceOf(event.project.namespace)}/${event.project.repo}`);
    const distMr = await this.d.forge.mergeRequest(distRepo, Number(pair.distGitMr));
    if (distMr.state === 'closed')
      await this.d.forge.updateMergeRequest(distRepo, distMr.iid, { stateEvent: 'reopen' });
    await this.d.repository.setPairState(pair.id, 'open');
    // Commits pushed while it was closed: sync them.
    if (pair.sourceGitSha !== event.sha) await this.sync(event, logger);
  }

  /** A dist-git pipeline: the result of the CI step of the sync that pushed its commit. */
  private async pipeline(event: Msg<'ci_pipeline.updated'>, logger: Logger): Promise<void> {
    const state = PIPELINE_SIGNALS[event.pipeline.status];
    if (!state) return;
    const path = `${event.project.namespace}/${event.project.repo}`;
    const webUrl = `${event.project.instanceUrl}/${path}/-/pipelines/${event.pipeline.id}`;
    const outcome = await this.d.engine.signal(
      { kind: 'sync_step', externalId: ciExternalId(path, event.sha) },
      {
        state,
        webUrl,
        ...(state === 'failure' || state === 'error' ? { reason: `dist-git pipeline ${event.pipeline.status}` } : {}),
        data: { pipelineId: event.pipeline.id, pipelineStatus: event.pipeline.status },
      },
    );
    logger.info({ outcome, pipeline: event.pipeline.id, status: event.pipeline.status }, 'dist-git pipeline applied');
    // Reported and kept in the results store only when it is the CI of a sync (not any pipeline of dist-git).
    if (!outcome.targetId) return;
    const sourceGit = await this.d.repository.sourceGitOfCiTarget(outcome.targetId);
    if (sourceGit)
      await this.d.jobs.report({
        instanceUrl: event.project.instanceUrl,
        distGitPath: path,
        jobs: event.pipeline.jobs,
        sourceGit: { namespace: sourceGit.namespace, repo: sourceGit.repo },
        sha: sourceGit.sha,
      });
    await this.d.results.record({
      instanceUrl: event.project.instanceUrl,
      project: path,
      sha: event.sha,
      pipelineId: event.pipeline.id,
      status: event.pipeline.status,
      mergeRequest: event.pipeline.mergeRequest?.iid ?? null,
      jobs: event.pipeline.jobs,
    });
  }

  private async comment(event: Msg<'pull_request.comment'>, logger: Logger): Promise<void> {
    const repo = repoOf(`${event.project.namespace}/${event.project.repo}`);
    const iid = Number(event.ref.name);
    // A redelivered command (the worker died after replying) finds its reply by the event's key.
    const reply = (body: string) =>
      commentOnce(this.d.forge, repo, { pullRequest: iid }, body, { key: `reply:${event.eventId}` }).then(
        () => undefined,
      );
    const { command } = event;
    if (!STREAM_COMMANDS.has(command.name))
      return reply(streamHelpText(command.name === 'help' ? command.unknown : command.word));
    // As upstream: commands need write access (Developer or more) to the source-git project.
    const permission = await this.d.forge.permission(repo, { login: event.actor ?? '' });
    if (!permission.canRunCommands) {
      logger.info({ actor: event.actor, role: permission.role }, 'command refused: no write access');
      return reply(
        `@${event.actor}, only people with write access to ${repo.namespace}/${repo.repo} can run packflow commands ` +
          `(your role: ${permission.role}). Nothing was run.`,
      );
    }
    const row = await this.rowOf(event);
    const latest = await this.d.repository.latestSync(row.projectId, event.ref.name);
    if (!latest)
      return reply('packflow has not synced this merge request to dist-git yet, so there is nothing to rerun.');
    try {
      if (command.name === 'test') {
        await this.d.engine.rerunFrom(latest.steps.sync_ci, { eventId: event.eventId });
      } else if (command.name === 'propose-downstream') {
        // The commit pushed last is kept: only the merge request (and so its CI) is made again.
        await this.d.engine.rerunFrom(latest.steps.sync_merge_request, { eventId: event.eventId });
      } else {
        await this.d.engine.rerunPipeline(latest.pipelineId, { eventId: event.eventId });
      }
    } catch (error) {
      if (error instanceof ConflictError) return reply(`Nothing to rerun: ${error.message}.`);
      throw error;
    }
    logger.info({ command: command.name, pipeline: latest.pipelineId }, 'command run');
  }
}

/** The sync pipeline: convert -> push -> merge request -> CI, one target each (the dist-git branch). */
export function syncPlan(options: SyncOptions): Plan {
  const target = options.distGit.branch;
  return {
    // The engine stores any job name; the plan type lists the `.packit.yaml` ones only.
    steps: SYNC_JOBS.map((job) => ({
      id: job,
      package: null,
      job: job as unknown as Plan['steps'][number]['job'],
      identifier: null,
      trigger: 'pull_request' as const,
      targets: [target],
      options: options as unknown as Record<string, unknown>,
    })),
    edges: SYNC_JOBS.slice(1).map((job, i) => ({ from: SYNC_JOBS[i], to: job, target: null })),
    skipped: [],
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}
