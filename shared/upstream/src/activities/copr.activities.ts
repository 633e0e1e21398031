// The Copr side of a pipeline: the SRPM build (Copr's custom-script method, chroot
// srpm-builds) and the RPM builds of each chroot. As in Packit, the first attempt builds
// the chroots in the SRPM's own Copr build (one build id); a rerun of some chroots builds
// them from the SRPM's URL in a new Copr build.
//
// Copr does not deduplicate: a build submitted twice is built twice. So a target that was
// queued before (a retry, or a reconciler picking up after a crash) first looks for the
// build its earlier attempt may have created: the SRPM build's script carries the
// idempotency key in a comment; an RPM rebuild is recognised by its SRPM URL and chroots.
// Copr keeps both and answers them (`/build/source-build-config/<id>/`).
import { ExternalServiceError } from '@packflow/core';
import { buildOutcome, SRPM_CHROOT, type Build, type BuildSourceConfig, type CoprClient } from '@packflow/clients';
import type { ActivityDefinition, Signal, TargetTask } from '@packflow/engine';
import { coprProjectName, EXTERNAL_RETRY } from './activity-context.js';
import { KEY_COMMENT, srpmSubmission } from './srpm.script.js';

export interface CoprActivityOptions {
  copr: CoprClient;
  defaultOwner: string;
  /** Where the SRPM script runs: the latest stable Fedora chroot, as Packit picks it (Copr's default otherwise). */
  scriptChroot?: string;
  pollAfterMs?: number;
  finalDeadlineMs?: number;
}
/** Builds submitted this long before the target was queued are not looked at (clock skew). */
const LOOKBACK_MS = 5 * 60_000;
/** How many of a project's newest builds a retry looks through. */
const LOOKUP_LIMIT = 20;

/**
 * The build a crashed attempt of this target created, if any: among the project's newest
 * builds submitted since the target was queued, the first whose source matches. A target
 * never queued before (queuedAt unset: the first dispatch) has none to look for.
 */
async function findEarlierBuild(
  copr: CoprClient,
  task: TargetTask,
  owner: string,
  project: string,
  matches: (source: BuildSourceConfig, build: Build) => boolean,
): Promise<Build | undefined> {
  if (!task.target.queuedAt) return undefined;
  const since = Date.parse(task.target.queuedAt) - LOOKBACK_MS;
  const builds = await copr.listBuilds(owner, project, LOOKUP_LIMIT).catch((error: unknown) => {
    // A project that does not exist yet has no builds.
    if (error instanceof ExternalServiceError && error.status === 404) return [];
    throw error;
  });
  for (const build of builds) {
    if (build.submittedOn !== null && build.submittedOn * 1000 < since) break;
    if (matches(await copr.getSourceBuildConfig(build.id), build)) return build;
  }
  return undefined;
}

function signalOf(state: string, webUrl?: string, logUrl?: string | null): Signal | undefined {
  const outcome = buildOutcome(state as never);
  const base = { webUrl, logUrl: logUrl ?? undefined };
  switch (outcome) {
    case 'running':
      return { state: 'started', ...base };
    case 'success':
      return { state: 'success', ...base };
    case 'failure':
      return { state: 'failure', reason: `Copr build ${state}`, ...base };
    case 'cancelled':
      return { state: 'error', reason: 'cancelled in Copr', ...base };
    default:
      return undefined;
  }
}

/**
 * The result of a chroot of a build that is over already (a build adopted from an earlier
 * attempt, whose messages came while no target knew its id), or undefined while it runs:
 * applied at once instead of at the next poll.
 */
async function finishedResult(
  copr: CoprClient,
  buildId: number | string,
  chroot: string,
  webUrl?: string,
): Promise<Signal | undefined> {
  const state = await copr.getBuildChroot(buildId, chroot);
  const signal = signalOf(state.state, webUrl, state.logUrl);
  return signal?.state === 'started' ? undefined : signal;
}

export function coprActivities(o: CoprActivityOptions): { srpm: ActivityDefinition; rpm: ActivityDefinition } {
  const timing = {
    timeoutMs: 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: o.pollAfterMs ?? 15 * 60_000,
    finalDeadlineMs: o.finalDeadlineMs ?? 24 * 3600_000,
  };
  const owner = (t: TargetTask) =>
    typeof t.options.owner === 'string' && t.options.owner ? t.options.owner : o.defaultOwner;

  const srpm: ActivityDefinition = {
    ...timing,
    async submit([task]) {
      const project = coprProjectName(task.pipeline, task.options);
      // The chroots of the Copr build that follows this SRPM build (same package).
      const next = task.next.find((s) => s.job === 'copr_build' && s.package === task.package);
      const chroots = [...new Set(next?.targets ?? [])];
      const marker = `${KEY_COMMENT}${task.idempotencyKey}`;
      const earlier = await findEarlierBuild(o.copr, task, owner(task), project, (source) =>
        String(source.sourceDict.script ?? '')
          .split('\n')
          .includes(marker),
      );
      if (earlier)
        return [
          {
            externalId: String(earlier.id),
            webUrl: o.copr.buildWebUrl(owner(task), project, earlier.id),
            done: await finishedResult(o.copr, earlier.id, SRPM_CHROOT),
          },
        ];
      const submission = srpmSubmission(task, o.scriptChroot);
      await o.copr.ensureProject({ owner: owner(task), project, chroots });
      const build = await o.copr.submitSrpmBuild({ owner: owner(task), project, ...submission, chroots });
      return [{ externalId: String(build.id), webUrl: o.copr.buildWebUrl(owner(task), project, build.id) }];
    },
    async poll(task) {
      const chroot = await o.copr.getBuildChroot(task.target.externalId!, SRPM_CHROOT);
      return signalOf(chroot.state, undefined, chroot.logUrl);
    },
    async cancel(task) {
      await o.copr.cancelBuild(task.target.externalId!);
    },
  };

  const rpm: ActivityDefinition = {
    ...timing,
    async submit(tasks) {
      const srpmTarget = tasks[0].inputs.find((t) => t.kind === 'srpm_build');
      if (!srpmTarget?.externalId) {
        throw new ExternalServiceError('copr', 'the SRPM build of these chroots has no Copr build id', {
          retryable: false,
        });
      }
      // First attempt: the chroots are part of the SRPM's Copr build. When that build was
      // adopted over (its chroots may be over, their messages gone), their results now.
      if (tasks.every((t) => t.target.attempt === srpmTarget.attempt)) {
        const id = srpmTarget.externalId;
        const over = buildOutcome((await o.copr.getBuild(id)).state) !== 'waiting';
        return Promise.all(
          tasks.map(async (t) => ({
            externalId: id,
            webUrl: srpmTarget.webUrl ?? undefined,
            done: over ? await finishedResult(o.copr, id, t.target.target, srpmTarget.webUrl ?? undefined) : undefined,
          })),
        );
      }
      const project = coprProjectName(tasks[0].pipeline, tasks[0].options);
      const source = await o.copr.getBuild(srpmTarget.externalId);
      if (!source.sourcePackage.url) {
        throw new ExternalServiceError('copr', `build ${srpmTarget.externalId} has no SRPM to rebuild from`, {
          retryable: false,
        });
      }
      const srpmUrl = source.sourcePackage.url;
      const chroots = tasks.map((t) => t.target.target);
      const sameChroots = (build: Build) =>
        build.chroots.length === chroots.length && chroots.every((c) => build.chroots.includes(c));
      const earlier = await findEarlierBuild(
        o.copr,
        tasks[0],
        owner(tasks[0]),
        project,
        (config, candidate) =>
          config.sourceType === 'link' && config.sourceDict.url === srpmUrl && sameChroots(candidate),
      );
      const build = earlier ?? (await o.copr.submitRpmBuild({ owner: owner(tasks[0]), project, srpmUrl, chroots }));
      const webUrl = o.copr.buildWebUrl(owner(tasks[0]), project, build.id);
      return Promise.all(
        tasks.map(async (t) => ({
          externalId: String(build.id),
          webUrl,
          done: earlier ? await finishedResult(o.copr, build.id, t.target.target, webUrl) : undefined,
        })),
      );
    },
    async poll(task) {
      const chroot = await o.copr.getBuildChroot(task.target.externalId!, task.target.target);
      return signalOf(chroot.state, task.target.webUrl ?? undefined, chroot.logUrl);
    },
    async cancel(task) {
      await o.copr.cancelBuild(task.target.externalId!);
    },
  };
  return { srpm, rpm };
}

export { signalOf as coprSignalOf };
