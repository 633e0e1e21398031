// bodhi_update: one Bodhi update per dist-git branch, of the Koji build that branch's
// koji_build target made, or of the finished build the pipeline was started for (a build
// packflow did not make: `koji_build_nvr`), or, with a side tag, of every build in that
// tag, as one update `from_tag`. Bodhi takes a build into one update only and refuses a second, so before
// creating, the activity asks Bodhi for an update of these builds and adopts it: a retry
// after a crash between create and record makes no second update. Creating the update is
// the whole job, so its result is given with the submit.
import { accountReason, accountsListOf } from '@packflow/config';
import { ExternalServiceError } from '@packflow/core';
import type { BodhiClient, BodhiUpdate, KojiClient } from '@packflow/clients';
import type { ActivityDefinition, SubmitResult, TargetTask } from '@packflow/engine';
import type { PagureForge } from '@packflow/forges';
import { accountFactsOf } from '../handlers/dist-git.facts.js';
import { EXTERNAL_RETRY } from './activity-context.js';
import { kojiTargetOf } from './koji-build.activities.js';

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
}

const UPDATE_TYPES = new Set(['bugfix', 'security', 'enhancement', 'newpackage']);

export function bodhiUpdateActivity(o: BodhiActivityOptions): ActivityDefinition {
  /** The builds an update of this task takes: its side tag's, or its Koji build's. */
  async function buildsOf(task: TargetTask): Promise<Builds> {
    const sidetag = typeof task.options.sidetag === 'string' ? task.options.sidetag : undefined;
    if (sidetag) {
      const tagged = await o.koji.listTagged(sidetag);
      return { nvrs: tagged.map((b) => b.nvr), fromTag: sidetag, owners: tagged.map((b) => b.owner) };
    }
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

  async function existing(nvrs: string[]): Promise<BodhiUpdate | undefined> {
    const updates = await o.bodhi.updatesOfBuilds(nvrs);
    return updates.find((u) => u.builds.some((b) => nvrs.includes(b.nvr)));
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
    const found = await existing(builds.nvrs);
    const update =
      found ??
      (
        await o.bodhi.createUpdate({
          ...(builds.fromTag ? { fromTag: builds.fromTag } : { builds: builds.nvrs }),
          notes: notesOf(task, builds.nvrs),
          type: UPDATE_TYPES.has(String(task.options.update_type))
            ? (task.options.update_type as 'bugfix' | 'security' | 'enhancement' | 'newpackage')
            : 'enhancement',
        })
      )[0];
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
      if (alias.startsWith('refused:')) return { state: 'error', reason: 'the build is not among allowed_builders' };
      const update = await o.bodhi.getUpdate(alias);
      return update
        ? { state: 'success', webUrl: update.url }
        : { state: 'error', reason: `Bodhi has no update ${alias}` };
    },
  };
}

function notesOf(task: TargetTask, nvrs: string[]): string {
  return `Automatic update for ${nvrs.join(', ')} (${task.pipeline.project.namespace}/${task.pipeline.project.repo} ${task.target.target}).`;
}
