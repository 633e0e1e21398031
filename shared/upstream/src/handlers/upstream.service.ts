// What the upstream worker does with each event. Transport-free: the JetStream
// controller calls `handle`, tests may call it directly.
import {
  CONFIG_FILE_NAMES,
  ConfigCache,
  formatDiagnostic,
  plan,
  planEventOf,
  triggerOf,
  type PackitConfig,
  type PlanEvent,
} from '@packflow/config';
import { ConflictError, type Logger } from '@packflow/core';
import type { EventMessage, EventMessageMeta } from '@packflow/events';
import { commentOnce } from '@packflow/forges';
import { ForgeRegistry } from '../forge/forge.registry.js';
import { parseCheckRunId } from '../check-run.id.js';
import type { EventRow } from '../upstream.repository.js';
import { distGitConfig, distGitHead } from './dist-git.config.js';
import { commandStepOptions, distGitCommandRun } from './dist-git.commands.js';
import { startIssueRetrigger } from './issue-retrigger.js';
import { pushedByOf } from './dist-git.facts.js';
import { installationOf, resultTargetOf } from './event.targets.js';
import { helpText } from './help.text.js';
import { applyCoprResult, applyKojiTaskState, applyTestingFarmResult } from './result.signals.js';
import type {
  CommentEvent,
  ConfigAt,
  EventProject,
  ForgeEvent,
  Msg,
  TriggerEvent,
  UpstreamServiceDeps,
} from './upstream.service.types.js';

export class UpstreamService {
  private readonly configs: ConfigCache; // by their text: most commits of a project carry the same one

  constructor(private readonly d: UpstreamServiceDeps) {
    this.configs = new ConfigCache({ releases: d.releases });
  }

  async handle(event: EventMessage, logger: Logger = this.d.logger): Promise<void> {
    // Every upstream deployment receives every upstream event: each acts on the projects
    // of the forge instances it has an identity for, and leaves the rest to the others.
    // release-monitoring names a Fedora package: its dist-git is served by the dist-git identity.
    if (event.type === 'anitya.new_version') return this.onNewVersion(event, logger);
    const project = await this.projectOf(event);
    if (project && !(await this.ours(project, installationOf(event)))) {
      logger.info(
        { type: event.type, forge: project.forge, instance: project.instanceUrl, installation: installationOf(event) },
        'left to another deployment: the event is not for an identity of this one',
      );
      return;
    }
    switch (event.type) {
      case 'pull_request.opened':
      case 'pull_request.reopened':
      case 'pull_request.synchronize':
      case 'push.branch':
      case 'push.tag':
      case 'release.published':
        return this.onTrigger(event, logger);
      case 'pull_request.closed':
        return this.onClosed(event, logger);
      case 'pull_request.comment':
      case 'commit.comment':
      case 'issue.comment':
        return this.onComment(event, logger);
      case 'check_run.rerequested':
      case 'check_run.requested_action':
        return this.onCheckRun(event, logger);
      case 'copr.build_start':
      case 'copr.build_end':
        return applyCoprResult(this.d, event, logger);
      case 'testing_farm.notification':
        return applyTestingFarmResult(this.d, event, logger);
      case 'koji.task_state_change':
        return applyKojiTaskState(this.d, event, logger);
      case 'koji.build_state_change':
      case 'koji.tag':
        if (!this.d.koji) return logger.info({ type: event.type }, 'no Koji and dist-git identity here: left alone');
        return event.type === 'koji.tag' ? this.d.koji.onTag(event, logger) : this.d.koji.onBuild(event, logger);
      default:
        logger.debug({ type: event.type }, 'nothing to do for this event');
    }
  }

  /**
   * Whether this deployment acts on an event of `project`: a result names a target whose
   * pipeline has an owner (the deployment that started it), and only that one acts on it;
   * anything else goes by this deployment's identities (ForgeRegistry.owns).
   */
  private async ours(project: EventProject, installationId: number | null): Promise<boolean> {
    const me = this.d.engine.owner;
    if (project.owner && me) return project.owner === me;
    return this.d.forges.owns(project, installationId);
  }

  /**
   * The forge and instance an event concerns: its project, or for a build or test result
   * the project of the pipeline that started that build or test (undefined when unknown).
   */
  private async projectOf(event: EventMessage): Promise<EventProject | undefined> {
    if (event.project) return event.project;
    const target = resultTargetOf(event);
    if (!target) return undefined;
    return this.d.repository.projectOfResult(target.kind, target.externalId);
  }

  private async rowOf(event: EventMessageMeta): Promise<EventRow> {
    const row = await this.d.repository.event(event.eventId);
    if (!row) throw new ConflictError(`event ${event.eventId} has no project recorded`);
    return row;
  }

  /** The config at a commit: undefined when the repository has none (not set up: nothing to do). */
  private async configAt(event: ForgeEvent, sha: string): Promise<ConfigAt> {
    const forge = this.d.forges.for(event.project);
    for (const name of CONFIG_FILE_NAMES) {
      const text = await forge.fileContent(ForgeRegistry.repo(event.project), name, sha);
      if (text === undefined) continue;
      const loaded = this.configs.load(text, name);
      const errors = loaded.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic);
      return { config: errors.length ? undefined : loaded.config, errors };
    }
    return undefined;
  }

  private async reportInvalidConfig(event: ForgeEvent, sha: string, errors: string[]): Promise<void> {
    await this.d.forges.for(event.project).reportStatus(ForgeRegistry.repo(event.project), {
      name: 'packflow/config',
      sha,
      state: 'failure',
      title: 'The packit configuration is not valid',
      summary: 'packflow did not run anything for this commit. Fix the configuration and push again.',
      text: ['```', ...errors, '```'].join('\n'),
    });
  }

  private async changedFiles(event: ForgeEvent): Promise<string[] | undefined> {
    const forge = this.d.forges.for(event.project);
    const repo = ForgeRegistry.repo(event.project);
    if (event.ref.kind === 'pull_request') return forge.changedFiles(repo, { pullRequest: Number(event.ref.name) });
    if (event.type === 'push.branch' && event.push.before && !/^0+$/.test(event.push.before)) {
      return forge.changedFiles(repo, { base: event.push.before, head: event.sha });
    }
    return undefined;
  }

  /** The changed files and the config: two forge calls that need not wait for each other. */
  private forgeReads(event: TriggerEvent, sha: string): Promise<[string[] | undefined, ConfigAt]> {
    return Promise.all([event.changedFiles ? undefined : this.changedFiles(event), this.configAt(event, sha)]);
  }

  /** Plans and starts the pipeline of a commit; returns its id (or undefined when nothing runs). */
  private async planAndStart(
    event: ForgeEvent,
    sha: string,
    /** The event as planning reads it, or how to tell from the configuration (facts it needs asked first). */
    planEvent: PlanEvent | ((config: PackitConfig) => Promise<PlanEvent>),
    row: EventRow,
    logger: Logger,
    /** Added to every step's options (the release tag a command on an issue syncs). */
    stepOptions?: Record<string, unknown>,
    /** The config at `sha` when the caller has it already (or is fetching it). */
    config?: ConfigAt | Promise<ConfigAt>,
  ): Promise<string | undefined> {
    const loaded = await (config ?? this.configAt(event, sha));
    if (!loaded) {
      logger.info('no packit configuration in the repository: nothing to do');
      return undefined;
    }
    if (!loaded.config) {
      await this.reportInvalidConfig(event, sha, loaded.errors);
      return undefined;
    }
    const facts = typeof planEvent === 'function' ? await planEvent(loaded.config) : planEvent;
    const result = plan(loaded.config, facts, this.d.releases);
    if (stepOptions) for (const step of result.steps) step.options = { ...step.options, ...stepOptions };
    for (const s of result.skipped)
      logger.info({ job: s.job, package: s.package, identifier: s.identifier, reason: s.reason }, 'job not run');
    if (result.steps.length === 0) return undefined;
    const pipelineId = await this.d.engine.start(result, {
      projectId: row.projectId,
      commitId: row.commitId!,
      eventId: event.eventId,
      trigger: triggerOf(event),
    });
    logger.info({ pipelineId, steps: result.steps.length }, 'pipeline started');
    return pipelineId;
  }

  private async onTrigger(event: TriggerEvent, logger: Logger): Promise<void> {
    // The forge's answers need not wait for the event's row when the event names its commit
    // (only a release's commit is asked of the forge, and recorded on the row, first).
    const early = event.sha ? this.forgeReads(event, event.sha) : undefined;
    early?.catch(() => undefined); // awaited below, unless the event has started its pipeline
    const row = await this.rowOf(event);
    // A redelivered message: its pipeline exists, so skip planning (the engine would not
    // start a second one anyway: one pipeline per event is a unique constraint).
    if (row.startedPipeline) return;
    const sha = event.sha ?? (await this.releaseCommit(event, row, logger));
    if (!sha) {
      logger.info('the event names no commit: nothing to build');
      return;
    }
    const [changedFiles, config] = await (early ?? this.forgeReads(event, sha));
    const planEvent = planEventOf(event, { changedFiles });
    if (!planEvent) {
      logger.info({ type: event.type }, 'this event runs no jobs (a tag push: release jobs run on the release)');
      return;
    }
    const pagure = event.project.forge === 'pagure' ? this.d.forges.distGit() : undefined;
    // A dist-git push: koji_build asks who it is by (allowed_committers, allowed_pr_authors).
    const withPusher =
      pagure && event.type === 'push.branch'
        ? async (c: PackitConfig) => ({ ...planEvent, pushedBy: await pushedByOf(pagure, event, c) })
        : planEvent;
    await this.planAndStart(event, sha, withPusher, row, logger, undefined, config);
  }

  /**
   * pull_from_upstream: a new version of a Fedora package's upstream. The config is
   * dist-git's (rawhide), the pipeline's commit is rawhide's head, its ref the version.
   */
  private async onNewVersion(event: Msg<'anitya.new_version'>, logger: Logger): Promise<void> {
    const distGit = this.d.distGit;
    if (!distGit || !event.project) {
      logger.info(
        { package: event.project?.repo ?? null },
        distGit ? 'the message names no Fedora package' : 'no dist-git identity here: pull_from_upstream does not run',
      );
      return;
    }
    if (await this.d.repository.startedPipeline(event.eventId)) return;
    const repo = ForgeRegistry.repo(event.project);
    const loaded = await distGitConfig(distGit, repo, this.d.releases);
    if (!loaded?.config) {
      logger.info({ errors: loaded?.errors ?? [] }, 'no valid packit configuration in dist-git: nothing to do');
      return;
    }
    const result = plan(loaded.config, { kind: 'release', repository: 'dist-git' }, this.d.releases);
    for (const s of result.skipped) logger.info({ job: s.job, reason: s.reason }, 'job not run');
    if (result.steps.length === 0) return;
    const sha = await distGitHead(distGit, repo, 'rawhide');
    const ids = await this.d.repository.recordEventRefCommit(event.eventId, 'release', event.anitya.version, sha);
    for (const step of result.steps) step.options = { ...step.options, version: event.anitya.version };
    const pipelineId = await this.d.engine.start(result, {
      projectId: ids.projectId,
      commitId: ids.commitId,
      eventId: event.eventId,
      trigger: 'release',
    });
    logger.info({ pipelineId, version: event.anitya.version }, 'pull_from_upstream started');
  }

  /**
   * A release names only its tag: its commit is the tag's, asked of the forge and recorded
   * (on the event's row too, so `row` carries it on).
   */
  private async releaseCommit(event: TriggerEvent, row: EventRow, logger: Logger): Promise<string | undefined> {
    if (event.type !== 'release.published' || !row.refId) return undefined;
    const forge = this.d.forges.for(event.project);
    if (!forge.tagCommit) {
      logger.info({ forge: forge.forge }, 'this forge driver cannot find the commit of a tag: release jobs do not run');
      return undefined;
    }
    const sha = await forge.tagCommit(ForgeRegistry.repo(event.project), event.release.tag);
    if (!sha) {
      logger.info({ tag: event.release.tag }, 'the release tag names no commit on the forge');
      return undefined;
    }
    row.commitId = await this.d.repository.recordEventCommit(event.eventId, row.refId, sha);
    return sha;
  }

  /**
   * The latest release's tag and its commit, recorded on the comment's event; null when the
   * repository has no release (or the forge driver cannot tell).
   */
  private async latestRelease(
    event: CommentEvent,
    row: EventRow,
  ): Promise<{ tag: string; head: { commitId: string; sha: string } } | null> {
    const forge = this.d.forges.for(event.project);
    const repo = ForgeRegistry.repo(event.project);
    const tag = forge.latestReleaseTag && (await forge.latestReleaseTag(repo));
    const sha = tag && forge.tagCommit ? await forge.tagCommit(repo, tag) : undefined;
    if (!tag || !sha || !row.refId) return null;
    return { tag, head: { commitId: await this.d.repository.recordEventCommit(event.eventId, row.refId, sha), sha } };
  }

  private async onClosed(event: Msg<'pull_request.closed'>, logger: Logger): Promise<void> {
    const row = await this.rowOf(event);
    const cancelled = await this.d.engine.cancelRef(
      row.projectId,
      'pull_request',
      event.ref.name,
      'pull request closed',
    );
    logger.info({ cancelled }, 'pull request closed: unfinished pipelines cancelled');
  }

  private async onComment(event: CommentEvent, logger: Logger): Promise<void> {
    const forge = this.d.forges.for(event.project);
    const repo = ForgeRegistry.repo(event.project);
    const target =
      event.ref.kind === 'pull_request' ? { pullRequest: Number(event.ref.name) } : { issue: Number(event.ref.name) };
    // A redelivered command (the worker died after replying) finds its reply by the event's key.
    const reply = (body: string) =>
      event.ref.kind === 'commit'
        ? Promise.resolve()
        : commentOnce(forge, repo, target, body, { key: `reply:${event.eventId}` }).then(() => {});
    const { command } = event;
    if (command.name === 'help') return reply(helpText(command.unknown));
    const permission = await this.d.forges.commandPermission(event.project, event.actor ?? '', command.name);
    if (!permission.allowed) {
      logger.info({ actor: event.actor, role: permission.role }, 'command refused');
      const what =
        event.project.forge === 'pagure'
          ? `\`${command.prefix} ${command.word}\` on dist-git pull requests`
          : 'packflow commands';
      return reply(
        `@${event.actor}, only ${permission.who} can run ${what} (your role: ${permission.role}). Nothing was run.`,
      );
    }
    const row = await this.rowOf(event);
    if (event.project.forge === 'pagure' && event.ref.kind === 'pull_request')
      return this.onDistGitCommand(event, row, reply, logger);
    if (event.type === 'issue.comment' && (command.name === 'koji-build' || command.name === 'create-update'))
      return startIssueRetrigger(this.d, event, reply, logger);
    // On an issue, `/packit propose-downstream` syncs the latest release (as Packit does), and
    // `/packit upstream-koji-build` builds it (the release jobs of an issue comment).
    const release =
      event.ref.kind === 'issue' && (command.name === 'propose-downstream' || command.name === 'upstream-koji-build')
        ? await this.latestRelease(event, row)
        : undefined;
    if (release === null) return reply(`packflow found no release of this repository to run \`${command.word}\` for.`);
    const head =
      release?.head ??
      (row.commitId
        ? { commitId: row.commitId, sha: event.sha! }
        : row.refId
          ? await this.d.repository.headOf(row.refId)
          : undefined);
    if (!head) return reply('packflow found no commit of this pull request to run that command for.');
    const latest = await this.d.repository.latestPipeline(head.commitId);
    const ctx = { eventId: event.eventId };
    try {
      switch (command.name) {
        case 'retest-failed':
        case 'rebuild-failed': {
          if (!latest) return reply('There is no packflow pipeline for this commit yet, so nothing failed to rerun.');
          const jobs = command.name === 'retest-failed' ? ['tests'] : ['srpm_build', 'copr_build'];
          await this.d.engine.rerunMatching(
            latest,
            (step, t) =>
              jobs.includes(step.job) &&
              (t.status === 'failure' || t.status === 'error') &&
              this.packageMatches(step.package, command.package),
            { ...ctx, kind: command.name },
          );
          return;
        }
        case 'test':
          if (latest) {
            // Reuse the builds that succeeded; build only what is missing.
            await this.d.engine.rerunMatching(
              latest,
              (step, t) =>
                this.packageMatches(step.package, command.package) &&
                ((step.job === 'tests' && (!command.identifier || step.identifier === command.identifier)) ||
                  (step.job !== 'tests' && t.status !== 'success')),
              { ...ctx, kind: 'test' },
            );
            return;
          }
          break;
        default:
          break;
      }
    } catch (error) {
      if (error instanceof ConflictError) return reply(`Nothing to rerun: ${error.message}.`);
      throw error;
    }
    const planEvent = planEventOf(event, { changedFiles: await this.changedFiles(event).catch(() => undefined) });
    const started =
      planEvent &&
      (await this.planAndStart(event, head.sha, planEvent, { ...row, commitId: head.commitId }, logger, {
        ...commandStepOptions(command),
        ...(release ? { upstream_tag: release.tag } : {}),
      }));
    if (!started && planEvent)
      await reply(`Nothing to run for \`${command.word}\` in this repository's packit configuration.`);
  }

  /** A command on a dist-git pull request: its job runs on the head of the branch the pull request targets. */
  private async onDistGitCommand(
    event: CommentEvent,
    row: EventRow,
    reply: (body: string) => Promise<void>,
    logger: Logger,
  ): Promise<void> {
    const distGit = this.d.distGit;
    const planEvent = planEventOf(event);
    if (!distGit || !planEvent || !row.refId) return reply('packflow cannot run commands on this dist-git here.');
    const run = await distGitCommandRun(
      distGit,
      ForgeRegistry.repo(event.project),
      Number(event.ref.name),
      event.command,
    );
    if ('reply' in run) return reply(run.reply);
    const commitId = await this.d.repository.recordEventCommit(event.eventId, row.refId, run.sha);
    const started = await this.planAndStart(
      event,
      run.sha,
      { ...planEvent, branch: run.branch },
      { ...row, commitId },
      logger,
      run.stepOptions,
    );
    if (!started)
      await reply(
        `Nothing to run for \`${event.command.word}\` on ${run.branch} in this package's packit configuration.`,
      );
  }

  private packageMatches(pkg: string | null, wanted: string | null): boolean {
    return !wanted || pkg === wanted;
  }

  private async onCheckRun(
    event: Msg<'check_run.rerequested' | 'check_run.requested_action'>,
    logger: Logger,
  ): Promise<void> {
    const ref = parseCheckRunId(event.checkRun.externalId);
    if (!ref) {
      logger.info({ checkRun: event.checkRun.name }, 'not a packflow check run');
      return;
    }
    const ctx = { eventId: event.eventId };
    try {
      if (event.type === 'check_run.rerequested') {
        await this.d.engine.rerunTargets(ref.stepId, [ref.target], ctx);
      } else if (event.requestedAction?.identifier === 'rerun-failed') {
        await this.d.engine.rerunFailed(ref.pipelineId, ctx);
      } else if (event.requestedAction?.identifier === 'rerun-all') {
        await this.d.engine.rerunPipeline(ref.pipelineId, ctx);
      }
    } catch (error) {
      if (error instanceof ConflictError) logger.info({ err: error.message }, 'nothing to rerun');
      else throw error;
    }
  }
}
