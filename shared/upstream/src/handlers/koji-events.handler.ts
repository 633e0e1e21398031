// What Koji's own messages start on dist-git, beyond the results of packflow's builds:
// - a build tagged into the side tag of a sidetag group (`koji.tag`) starts, as Packit's
//   does, the jobs with `trigger: koji_build` of that group: the koji_build of the
//   packages the group's koji_build jobs name as `dependents` (a job naming none: its own
//   package, when that is the one just tagged), never for a package's own build nor for a
//   dependent whose dist-git head is built into the side tag already, and the
//   group's bodhi_update once every package it names in `dependencies` (and its own) is
//   in the side tag: one update from the side tag;
// - a finished build packflow did not start (a maintainer's `fedpkg build`) starts the
//   bodhi_update of its branch when the package's dist-git config has one and the build's
//   owner is among allowed_builders, read as Packit reads it (accounts, `@groups`,
//   `all_admins`, `all_committers`; default `packit`: packflow's own Koji account).
// Every pipeline is started for an event of its own: the message's for the build's own
// package, a follow-up event per package for the side tag's, each recorded once. A
// redelivered message thus starts nothing twice, and a crash between the two is caught
// by the engine's one pipeline per event.
import { accountReason, accountsListOf, plan, type PackitConfig, type Plan, type ReleaseTable } from '@packflow/config';
import type { Logger } from '@packflow/core';
import type { KojiClient } from '@packflow/clients';
import type { PipelineEngine } from '@packflow/engine';
import type { EventMessageMeta, EventOfType } from '@packflow/events';
import { distGitSource } from '../activities/koji-build.activities.js';
import { recentBuildTasks } from '../activities/koji.activities.js';
import type { Sidetags } from '../activities/sidetags.js';
import type { SidetagRow, UpstreamRepository } from '../upstream.repository.js';
import { distGitConfig, distGitHead, type DistGit } from './dist-git.config.js';
import { accountFactsOf } from './dist-git.facts.js';

type Msg<T extends 'koji.tag' | 'koji.build_state_change'> = EventOfType<T> & EventMessageMeta;

export interface KojiEventsDeps {
  repository: UpstreamRepository;
  engine: PipelineEngine;
  releases: ReleaseTable;
  distGit: DistGit;
  koji: KojiClient;
  sidetags: Sidetags;
}

/** The dist-git branch a Koji build target builds for; undefined for a side tag's target. */
export function branchOfKojiTarget(target: string | null): string | undefined {
  if (!target || /-side-\d+$/.test(target)) return undefined;
  return target.replace(/-candidate$/, '');
}

const texts = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export class KojiEventsHandler {
  private me: Promise<string> | undefined;

  constructor(private readonly d: KojiEventsDeps) {}

  async onTag(event: Msg<'koji.tag'>, logger: Logger): Promise<void> {
    const sidetag = await this.d.sidetags.live(event.koji.tag);
    if (!sidetag) {
      logger.info({ tag: event.koji.tag }, 'not a side tag of a sidetag group packflow keeps: nothing to do');
      return;
    }
    const tagged = new Set((await this.d.koji.listTagged(event.koji.tag)).map((b) => b.name));
    const configs = new Map<string, PackitConfig | undefined>();
    const configOf = async (pkg: string) => {
      if (!configs.has(pkg)) configs.set(pkg, await this.configOf(pkg, logger));
      return configs.get(pkg);
    };
    const toStart = new Set<string>();
    for (const pkg of tagged) {
      for (const job of (await configOf(pkg))?.jobs ?? []) {
        if (job.type !== 'koji_build' || job.options.sidetag_group !== sidetag.group) continue;
        const dependents = texts(job.options.dependents);
        for (const dependent of dependents) toStart.add(dependent);
        if (dependents.length === 0 && pkg === event.koji.name) toStart.add(pkg);
      }
    }
    for (const pkg of toStart) {
      const config = await configOf(pkg);
      if (config) await this.startForTag(event, sidetag, pkg, config, tagged, logger);
    }
  }

  /** The jobs of one package that a side tag's new build starts. */
  private async startForTag(
    event: Msg<'koji.tag'>,
    sidetag: SidetagRow,
    pkg: string,
    config: PackitConfig,
    tagged: Set<string>,
    logger: Logger,
  ): Promise<void> {
    const planned = plan(
      config,
      { kind: 'koji_build', repository: 'dist-git', branch: sidetag.branch, sidetagGroup: sidetag.group },
      this.d.releases,
    );
    const project = { forge: 'pagure', instanceUrl: event.project!.instanceUrl, namespace: 'rpms', repo: pkg };
    const sha = await distGitHead(this.d.distGit, project, sidetag.branch);
    const steps = [];
    for (const step of planned.steps) {
      if (step.job === 'koji_build' && pkg === event.koji.name) continue;
      const needed = new Set(texts(step.options.dependencies));
      if (step.job === 'bodhi_update') needed.add(pkg);
      const missing = [...needed].filter((p) => !tagged.has(p));
      if (missing.length > 0) {
        logger.info({ package: pkg, job: step.job, missing }, 'waits for these packages in the side tag');
        continue;
      }
      const { instanceUrl } = project;
      const src = sha && instanceUrl ? distGitSource({ project: { ...project, instanceUrl }, commitSha: sha }) : null;
      if (step.job === 'koji_build' && src && (await this.builtInto(event.koji.tag, pkg, src))) {
        logger.info({ package: pkg, sha, sidetag: sidetag.kojiName }, 'this commit is built into the side tag already');
        continue;
      }
      steps.push(step);
    }
    if (steps.length === 0) return;
    for (const step of steps)
      if (step.job === 'bodhi_update') step.options = { ...step.options, sidetag: sidetag.kojiName };
    const ids = await this.d.repository.recordFollowUpEvent({
      deliveryId: `koji.tag:${event.eventId}:${pkg}`,
      type: 'koji.tag',
      actor: event.actor,
      payload: { followUpOf: event.eventId, sidetag: sidetag.kojiName, package: pkg },
      project,
      branch: sidetag.branch,
      sha,
    });
    const pipelineId = await this.d.engine.start(only(planned, steps), {
      projectId: ids.projectId,
      commitId: ids.commitId,
      eventId: ids.eventId,
      trigger: 'koji_build',
    });
    logger.info({ pipelineId, package: pkg, sidetag: sidetag.kojiName }, 'side tag jobs started');
  }

  async onBuild(event: Msg<'koji.build_state_change'>, logger: Logger): Promise<void> {
    const { koji } = event;
    const branch = branchOfKojiTarget(koji.target);
    if (koji.newState !== 'COMPLETE' || !event.project || !branch) return;
    // packflow's own build: its pipeline moves on with the task's messages.
    if (koji.taskId && (await this.d.repository.projectOfResult('koji_build', koji.taskId))) return;
    if (await this.d.repository.startedPipeline(event.eventId)) return;
    const config = await this.configOf(event.project.repo, logger);
    if (!config) return;
    const planned = plan(config, { kind: 'koji_build', repository: 'dist-git', branch }, this.d.releases);
    const steps = [];
    for (const step of planned.steps) {
      if (step.job !== 'bodhi_update') continue;
      const allowed = accountsListOf(step, 'allowed_builders');
      const repo = { namespace: 'rpms', repo: event.project.repo };
      const me = allowed.includes('packit') ? await this.myName() : undefined;
      const owner = koji.owner && (await accountFactsOf(this.d.distGit.pagure, repo, koji.owner, [allowed], me));
      const refused = owner ? accountReason(allowed, 'allowed_builders', owner) : 'nobody';
      if (refused) {
        logger.info(
          { nvr: koji.nvr, reason: `the build is by ${refused}` },
          'the build is not by one of allowed_builders',
        );
        continue;
      }
      step.options = { ...step.options, koji_build_nvr: koji.nvr };
      steps.push(step);
    }
    const row = await this.d.repository.event(event.eventId);
    if (steps.length === 0 || !row?.commitId) return;
    const pipelineId = await this.d.engine.start(only(planned, steps), {
      projectId: row.projectId,
      commitId: row.commitId,
      eventId: event.eventId,
      trigger: 'koji_build',
    });
    logger.info({ pipelineId, nvr: koji.nvr, branch }, 'bodhi_update of a finished Koji build started');
  }

  /**
   * Whether a side tag has this commit of a package built already, as Packit skips a Koji
   * build that exists: a build of its source tagged there, or a build task of packflow's
   * into it that has not failed (still building, or done and being tagged).
   */
  private async builtInto(sidetag: string, pkg: string, src: string): Promise<boolean> {
    for (const build of await this.d.koji.listTagged(sidetag, { package: pkg }))
      if ((await this.d.koji.getBuild(build.id))?.source === src) return true;
    const tasks = await recentBuildTasks(this.d.koji);
    return tasks.some(
      (t) => t.request?.[0] === src && t.request?.[1] === sidetag && !['FAILED', 'CANCELED'].includes(t.state),
    );
  }

  private async configOf(pkg: string, logger: Logger): Promise<PackitConfig | undefined> {
    const loaded = await distGitConfig(this.d.distGit, { namespace: 'rpms', repo: pkg }, this.d.releases);
    if (!loaded?.config)
      logger.info({ package: pkg, errors: loaded?.errors ?? [] }, 'no valid packit configuration in dist-git');
    return loaded?.config;
  }

  /** packflow's Koji account: who `packit` names in allowed_builders (Packit's default). */
  private myName(): Promise<string> {
    this.me ??= this.d.koji.whoami().then((u) => u.name);
    this.me.catch(() => (this.me = undefined));
    return this.me;
  }
}

/** The plan with only these of its steps (and the edges between them). */
function only(planned: Plan, steps: Plan['steps']): Plan {
  const ids = new Set(steps.map((s) => s.id));
  return { ...planned, steps, edges: planned.edges.filter((e) => ids.has(e.from) && ids.has(e.to)) };
}
