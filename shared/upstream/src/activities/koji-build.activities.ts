// koji_build: a dist-git commit (a push, a merged dist-git pull request) is built in Koji
// from its git URL (`git+https://src.fedoraproject.org/rpms/<pkg>.git#<sha>`) into the
// branch's build target. The idempotency key of the try goes with the build as its
// `custom_user_metadata`, so a retry after a crash finds the task the first attempt made
// (the same commit rebuilt by a rerun is a new try with a new key, and Koji refuses it as
// a build that exists, as it would Packit's). Results come from buildsys task messages
// (the upstream handler's Koji signals), polling is the fallback. With `sidetag_group`, the
// build goes into the group's side tag of the branch: its target is the side tag's own.
import type { KojiClient } from '@packflow/clients';
import { ExternalServiceError } from '@packflow/core';
import type { ActivityDefinition, PipelineContext, SubmitResult, TargetTask } from '@packflow/engine';
import { EXTERNAL_RETRY } from './activity-context.js';
import { kojiTaskSignal, recentBuildTasks } from './koji.activities.js';
import type { Sidetags } from './sidetags.js';
import { kojiTargetOf } from './koji-target.name.js';

export interface KojiBuildActivityOptions {
  koji: KojiClient;
  /** Koji's web UI (`https://koji.fedoraproject.org/koji`), for links to tasks. */
  kojiWebUrl: string;
  /** The side tags of sidetag groups (none: a koji_build with sidetag_group ends in error). */
  sidetags?: Sidetags;
  pollAfterMs?: number;
  finalDeadlineMs?: number;
}

/** The key of the try in the build's custom_user_metadata. */
export const KOJI_TRY_KEY = 'packflow_try';

/** The source Koji builds a dist-git commit from. */
export function distGitSource(
  pipeline: { project: Pick<PipelineContext['project'], 'instanceUrl' | 'namespace' | 'repo'>; commitSha: string },
  sha = pipeline.commitSha,
): string {
  const { instanceUrl, namespace, repo } = pipeline.project;
  return `git+${instanceUrl.replace(/\/+$/, '')}/${namespace}/${repo}.git#${sha}`;
}

/**
 * The commit a target builds: its branch's head where the step names one per branch (a
 * retrigger from an upstream issue, for several branches), else the pipeline's commit.
 */
export function targetCommit(task: Pick<TargetTask, 'options' | 'pipeline' | 'target'>): string {
  const heads = task.options.branch_heads as Record<string, unknown> | undefined;
  const head = heads?.[task.target.target];
  return typeof head === 'string' ? head : task.pipeline.commitSha;
}

export function kojiBuildActivity(o: KojiBuildActivityOptions): ActivityDefinition {
  const web = (id: number) => `${o.kojiWebUrl.replace(/\/+$/, '')}/taskinfo?taskID=${id}`;

  /** The branch's build target, or its sidetag group's side tag. */
  async function targetOf(task: TargetTask): Promise<string> {
    const group = task.options.sidetag_group;
    if (typeof group !== 'string' || !group) return kojiTargetOf(task.target.target);
    if (!o.sidetags)
      throw new ExternalServiceError('koji', 'this deployment keeps no Koji side tags (sidetag_group)', {
        retryable: false,
      });
    const sidetag = await o.sidetags.getOrCreate(group, task.target.target);
    // As Packit: a build that needs packages of its group waits until they are in the side tag.
    const needed = Array.isArray(task.options.dependencies) ? task.options.dependencies.map(String) : [];
    if (needed.length > 0) {
      const tagged = new Set((await o.koji.listTagged(sidetag)).map((b) => b.name));
      const missing = needed.filter((p) => !tagged.has(p));
      if (missing.length > 0)
        throw new ExternalServiceError('koji', `missing dependencies in side tag ${sidetag}: ${missing.join(', ')}`, {
          retryable: false,
        });
    }
    return sidetag;
  }

  return {
    timeoutMs: 2 * 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: o.pollAfterMs ?? 15 * 60_000,
    finalDeadlineMs: o.finalDeadlineMs ?? 24 * 3600_000,

    async submit(tasks): Promise<SubmitResult[]> {
      const earlier = await recentBuildTasks(o.koji);
      const results: SubmitResult[] = [];
      for (const task of tasks) {
        const src = distGitSource(task.pipeline, targetCommit(task));
        // `/packit koji-build --koji-target X` builds in X; a sidetag_group's build in its side tag; the branch's otherwise.
        const target = typeof task.options.koji_target === 'string' ? task.options.koji_target : await targetOf(task);
        const made = earlier.find((t) => t.request?.[0] === src && tryKeyOf(t.request?.[2]) === task.idempotencyKey);
        const id =
          made?.id ??
          (await o.koji.build(src, target, {
            scratch: task.options.scratch === true,
            customUserMetadata: { [KOJI_TRY_KEY]: task.idempotencyKey },
          }));
        results.push({ externalId: String(id), webUrl: web(id) });
      }
      return results;
    },

    async poll(task: TargetTask) {
      const info = await o.koji.getTaskInfo(Number(task.target.externalId));
      if (!info) return { state: 'error', reason: `Koji has no task ${task.target.externalId}` };
      return kojiTaskSignal(info, task.target.webUrl ?? undefined);
    },

    async cancel(task) {
      await o.koji.cancelTask(Number(task.target.externalId));
    },
  };
}

function tryKeyOf(opts: unknown): string | undefined {
  if (!opts || typeof opts !== 'object' || Array.isArray(opts)) return undefined;
  const meta = (opts as Record<string, unknown>).custom_user_metadata;
  if (!meta || typeof meta !== 'object') return undefined;
  const key = (meta as Record<string, unknown>)[KOJI_TRY_KEY];
  return typeof key === 'string' ? key : undefined;
}
