// bodhi_update: one Bodhi update per dist-git branch, of the Koji build that branch's
// koji_build target made, or of the finished build the pipeline was started for (a build
// packflow did not make: `koji_build_nvr`), or, with a side tag, from that tag as Packit
// makes it: the latest build of each package the update waits for, less those the branch
// has stable already, and one update per side tag, edited when the tag has newer builds
// since. Bodhi takes a build into one update only and refuses a second, so before
// creating, the activity asks Bodhi for an update of these builds (of this side tag) and
// adopts it: a retry after a crash between create and record makes no second update.
// Creating the update is the whole job, so its result is given with the submit.
import { accountReason, accountsListOf } from '@packflow/config';
import { ExternalServiceError } from '@packflow/core';
import {
  evrCompare,
  type BodhiClient,
  type BodhiUpdate,
  type KojiBuild,
  type KojiClient,
  type NewUpdate,
} from '@packflow/clients';
import type { ActivityDefinition, SubmitResult, TargetTask } from '@packflow/engine';
import type { PagureForge } from '@packflow/forges';
import { accountFactsOf } from '../handlers/dist-git.facts.js';
import { EXTERNAL_RETRY } from './activity-context.js';
import { kojiTargetOf } from './koji-target.name.js';

export interface BodhiActivityOptions {
  bodhi: BodhiClient;
  koji: KojiClient;
  /** Dist-git, for the `@groups` and `all_admins` / `all_committers` of allowed_builders (without it they cover nobody). */
  pagure?: PagureForge;
}

interface Builds {
  nvrs: string[];
  fromTag?: string;
  owners: string[];
  /** Every build in the side tag: its update has some of them. */
  tagged?: string[];
}

const UPDATE_TYPES = new Set(['bugfix', 'security', 'enhancement', 'newpackage']);

export function bodhiUpdateActivity(o: BodhiActivityOptions): ActivityDefinition {
  /** The builds an update of this task takes: its side tag's, or its Koji build's. */
  async function buildsOf(task: TargetTask): Promise<Builds> {
    const sidetag = typeof task.options.sidetag === 'string' ? task.options.sidetag : undefined;
    if (sidetag) return sidetagBuilds(task, sidetag);
    const nvr = typeof task.options.koji_build_nvr === 'string' ? task.options.koji_build_nvr : undefined;
    if (nvr) {
      const build = await o.koji.getBuild(nvr);
      if (!build || build.state !== 'COMPLETE')
        throw new ExternalServiceError('koji', `Koji has no finished build ${nvr}`, { retryable: false });
      return { nvrs: [build.nvr], owners: [build.owner] };
    }
    const kojiTargets = task.inputs.filter((t) => t.kind === 'koji_build' && t.externalId);
    if (kojiTargets.length === 0) return latestCandidate(task);
    const builds = (await Promise.all(kojiTargets.map((t) => o.koji.listBuildsOfTask(Number(t.externalId))))).flat();
    if (builds.length === 0)
      throw new ExternalServiceError(
        'koji',
        `Koji task ${kojiTargets[0].externalId} made no build (a scratch build?)`,
        {
          retryable: false,
        },
      );
    return { nvrs: builds.map((b) => b.nvr), owners: builds.map((b) => b.owner) };
  }

  /**
   * A side tag's builds for its update, as Packit picks them: of each package the update
   * waits for (its `dependencies` and its own), the latest build in the side tag, left out
   * when the branch has it or a newer one stable already (a build tagged in only to
   * satisfy a dependency).
   */
  async function sidetagBuilds(task: TargetTask, sidetag: string): Promise<Builds> {
    const tagged = await o.koji.listTagged(sidetag);
    const deps = Array.isArray(task.options.dependencies) ? task.options.dependencies.map(String) : [];
    const stableTags = await stableTagsOf(task.target.target);
    const picked: KojiBuild[] = [];
    for (const pkg of new Set([...deps, task.pipeline.project.repo])) {
      const latest = newest(tagged.filter((b) => b.name === pkg));
      if (!latest)
        throw new ExternalServiceError('koji', `side tag ${sidetag} has no build of ${pkg}`, { retryable: false });
      const stable = newest(
        (await Promise.all(stableTags.map((tag) => o.koji.listTagged(tag, { package: pkg, latest: true })))).flat(),
      );
      if (!stable || evrCompare(latest, stable) > 0) picked.push(latest);
    }
    return {
      nvrs: picked.map((b) => b.nvr),
      fromTag: sidetag,
      owners: picked.map((b) => b.owner),
      tagged: tagged.map((b) => b.nvr),
    };
  }

  /**
   * A branch's stable tags, as Packit finds them: the candidate tag (its Koji target's
   * destination) and its ancestors, those named without a dash or ending in `-updates`
   * (`f42-updates`, `f42`).
   */
  async function stableTagsOf(branch: string): Promise<string[]> {
    const target = await o.koji.getBuildTarget(kojiTargetOf(branch));
    if (!target) return [];
    const tags = [target.destTag, ...(await o.koji.getFullInheritance(target.destTag))];
    return tags.filter((t) => !t.includes('-') || t.endsWith('-updates'));
  }

  /**
   * An update without a Koji build before it (`/packit create-update`): the package's
   * latest build in the branch's candidate tag (the dest tag of its Koji target), as Packit takes it.
   */
  async function latestCandidate(task: TargetTask): Promise<Builds> {
    const branch = task.target.target;
    const target = await o.koji.getBuildTarget(kojiTargetOf(branch));
    const pkg = task.pipeline.project.repo;
    const [latest] = target ? await o.koji.listTagged(target.destTag, { package: pkg, latest: true }) : [];
    if (!latest)
      throw new ExternalServiceError(
        'koji',
        `Koji has no build of ${pkg} in the candidate tag of ${branch}${target ? ` (${target.destTag})` : ''} to update`,
        { retryable: false },
      );
    return { nvrs: [latest.nvr], owners: [latest.owner] };
  }

  /** The update of these builds: the one Bodhi has (a retry after a crash), else a new one. */
  async function ofBuilds(task: TargetTask, builds: Builds): Promise<BodhiUpdate> {
    const updates = await o.bodhi.updatesOfBuilds(builds.nvrs);
    const found = updates.find((u) => u.builds.some((b) => builds.nvrs.includes(b.nvr)));
    return found ?? (await o.bodhi.createUpdate(newUpdate(task, builds)))[0];
  }

  /**
   * A side tag's one update (Bodhi refuses a second from one side tag): the one Bodhi has,
   * edited to these builds when it has others (a newer build tagged since, as Packit edits
   * its update of the side tag), else a new one.
   */
  async function fromTag(task: TargetTask, builds: Builds & { fromTag: string }): Promise<BodhiUpdate> {
    // Bodhi lists updates by build, not by side tag: the update of the tag has builds of it.
    const updates = await o.bodhi.updatesOfBuilds(builds.tagged ?? builds.nvrs);
    const found = updates.find((u) => u.from_tag === builds.fromTag);
    if (!found) return (await o.bodhi.createUpdate(newUpdate(task, builds)))[0];
    const has = new Set(found.builds.map((b) => b.nvr));
    if (has.size === builds.nvrs.length && builds.nvrs.every((nvr) => has.has(nvr))) return found;
    return o.bodhi.editUpdate(found.alias, newUpdate(task, builds));
  }

  /**
   * Why a build of these owners gets no update: an owner not among the task's
   * allowed_builders, read as Packit reads them. Only a list the job sets is checked here
   * (the default list is checked where a foreign build starts the job: the Koji handler).
   */
  async function refusedOwner(task: TargetTask, owners: string[]): Promise<string | undefined> {
    if (!Array.isArray(task.options.allowed_builders)) return undefined;
    const allowed = accountsListOf(task, 'allowed_builders');
    const service = allowed.includes('packit') ? (await o.koji.whoami()).name : undefined;
    const { namespace, repo } = task.pipeline.project;
    for (const owner of new Set(owners)) {
      const facts = await accountFactsOf(o.pagure, { namespace, repo }, owner, [allowed], service);
      const reason = accountReason(allowed, 'allowed_builders', facts);
      if (reason) return `the build is by ${reason}`;
    }
    return undefined;
  }

  async function one(task: TargetTask): Promise<SubmitResult> {
    const builds = await buildsOf(task);
    const refused = await refusedOwner(task, builds.owners);
    if (refused) return { externalId: `refused:${task.idempotencyKey}`, done: { state: 'error', reason: refused } };
    if (builds.nvrs.length === 0)
      return {
        externalId: `refused:${task.idempotencyKey}`,
        done: {
          state: 'error',
          reason: `every build in side tag ${builds.fromTag} is stable in ${task.target.target} already: nothing to update`,
        },
      };
    const update = builds.fromTag
      ? await fromTag(task, { ...builds, fromTag: builds.fromTag })
      : await ofBuilds(task, builds);
    return { externalId: update.alias, webUrl: update.url, done: { state: 'success', webUrl: update.url } };
  }

  return {
    timeoutMs: 2 * 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: 5 * 60_000,
    finalDeadlineMs: 24 * 3600_000,

    async submit(tasks) {
      const results: SubmitResult[] = [];
      for (const task of tasks) results.push(await one(task));
      return results;
    },

    // A crash after submit recorded the update but before its result: Bodhi still has it.
    async poll(task) {
      const alias = task.target.externalId ?? '';
      if (alias.startsWith('refused:'))
        return {
          state: 'error',
          reason: 'no update was asked for: a build not among allowed_builders, or none newer than stable',
        };
      const update = await o.bodhi.getUpdate(alias);
      return update
        ? { state: 'success', webUrl: update.url }
        : { state: 'error', reason: `Bodhi has no update ${alias}` };
    },
  };
}

function newUpdate(task: TargetTask, builds: Builds): NewUpdate {
  return {
    builds: builds.nvrs,
    ...(builds.fromTag ? { fromTag: builds.fromTag } : {}),
    notes: notesOf(task, builds.nvrs),
    type: UPDATE_TYPES.has(String(task.options.update_type))
      ? (task.options.update_type as 'bugfix' | 'security' | 'enhancement' | 'newpackage')
      : 'enhancement',
  };
}

/** The newest of some builds of one package, in RPM's order. */
function newest(builds: KojiBuild[]): KojiBuild | undefined {
  return builds.reduce<KojiBuild | undefined>((best, b) => (!best || evrCompare(b, best) > 0 ? b : best), undefined);
}

function notesOf(task: TargetTask, nvrs: string[]): string {
  return `Automatic update for ${nvrs.join(', ')} (${task.pipeline.project.namespace}/${task.pipeline.project.repo} ${task.target.target}).`;
}
