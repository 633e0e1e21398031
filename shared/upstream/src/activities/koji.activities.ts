// upstream_koji_build: the SRPM the pipeline's Copr SRPM build made is uploaded to Koji and
// built for each target (a dist-git branch, which is also the Koji build target's name:
// `rawhide`, `f41`), a scratch build unless the job says `scratch: false`. Each target's
// upload goes to a directory named after its idempotency key, so a retry after a crash
// finds the upload and the build task the first attempt made instead of building twice.
// Results come from buildsys messages; poll asks the hub when none came.
import { createHash } from 'node:crypto';
import { ExternalServiceError } from '@packflow/core';
import type { CoprClient, KojiClient, KojiTask } from '@packflow/clients';
import type { ActivityDefinition, Signal, SubmitResult, TargetTask } from '@packflow/engine';
import { EXTERNAL_RETRY } from './activity-context.js';

export interface KojiActivityOptions {
  koji: KojiClient;
  copr: CoprClient;
  /** Koji's web UI (`https://koji.fedoraproject.org/koji`), for links to tasks. */
  kojiWebUrl: string;
  /** Fetches the SRPM (default: an HTTP GET). */
  download?: (url: string) => Promise<Buffer>;
  pollAfterMs?: number;
  finalDeadlineMs?: number;
}

/** How far back a retry looks for the build task an earlier attempt made. */
const LOOK_BACK_SECONDS = 7 * 24 * 3600;

/** packflow's Koji build tasks of the look-back window: what a retry (or a dependent's skip) looks for. */
export async function recentBuildTasks(koji: KojiClient): Promise<KojiTask[]> {
  const me = await koji.whoami();
  return koji.listTasks({
    method: 'build',
    owner: me.id,
    createdAfter: Math.floor(Date.now() / 1000) - LOOK_BACK_SECONDS,
  });
}

/** The upload directory of one target's try: the same for every retry of it. */
export function kojiUploadDir(task: Pick<TargetTask, 'idempotencyKey'>): string {
  return `cli-build/packflow-${createHash('sha256').update(task.idempotencyKey).digest('hex').slice(0, 24)}`;
}

export function kojiTaskSignal(task: KojiTask, webUrl?: string): Signal | undefined {
  switch (task.state) {
    case 'OPEN':
      return { state: 'started', webUrl };
    case 'CLOSED':
      return { state: 'success', webUrl };
    case 'FAILED':
      return { state: 'failure', reason: 'Koji build task failed', webUrl };
    case 'CANCELED':
      return { state: 'error', reason: 'cancelled in Koji', webUrl };
    default:
      return undefined; // FREE, ASSIGNED: still waiting for a builder
  }
}

async function httpDownload(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(300_000) });
  } catch (error) {
    throw new ExternalServiceError('copr', `download of the SRPM ${url} failed: ${(error as Error).message}`);
  }
  if (!response.ok)
    throw new ExternalServiceError('copr', `download of the SRPM ${url} failed: ${response.status}`, {
      status: response.status,
      retryable: response.status >= 500 || response.status === 429,
    });
  return Buffer.from(await response.arrayBuffer());
}

export function upstreamKojiBuildActivity(o: KojiActivityOptions): ActivityDefinition {
  const download = o.download ?? httpDownload;
  const web = (id: number) => `${o.kojiWebUrl.replace(/\/+$/, '')}/taskinfo?taskID=${id}`;

  return {
    timeoutMs: 10 * 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: o.pollAfterMs ?? 15 * 60_000,
    finalDeadlineMs: o.finalDeadlineMs ?? 24 * 3600_000,

    async submit(tasks): Promise<SubmitResult[]> {
      const srpmTarget = tasks[0].inputs.find((t) => t.kind === 'srpm_build');
      if (!srpmTarget?.externalId)
        throw new ExternalServiceError('koji', 'the SRPM build of this Koji build has no Copr build id', {
          retryable: false,
        });
      const url = (await o.copr.getBuild(srpmTarget.externalId)).sourcePackage.url;
      if (!url)
        throw new ExternalServiceError('koji', `Copr build ${srpmTarget.externalId} has no SRPM to build in Koji`, {
          retryable: false,
        });
      const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
      const content = await download(url);
      const earlier = await recentBuildTasks(o.koji);
      const results: SubmitResult[] = [];
      for (const task of tasks) {
        // `/packit upstream-koji-build --koji-target X` builds in X; the branch's target otherwise.
        const target = typeof task.options.koji_target === 'string' ? task.options.koji_target : task.target.target;
        const path = await o.koji.uploadSrpm(name, content, kojiUploadDir(task));
        const made = earlier.find((t) => t.request?.[0] === path && t.request?.[1] === target);
        const id = made?.id ?? (await o.koji.build(path, target, { scratch: task.options.scratch !== false }));
        results.push({ externalId: String(id), webUrl: web(id) });
      }
      return results;
    },

    async poll(task) {
      const info = await o.koji.getTaskInfo(Number(task.target.externalId));
      if (!info) return { state: 'error', reason: `Koji has no task ${task.target.externalId}` };
      return kojiTaskSignal(info, task.target.webUrl ?? undefined);
    },

    async cancel(task) {
      await o.koji.cancelTask(Number(task.target.externalId));
    },
  };
}
