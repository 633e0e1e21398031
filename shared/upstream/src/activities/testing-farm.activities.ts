// Testing Farm for `tests` targets: one request per target, testing the Copr build of
// the same chroot. The notification token is random per request; only its SHA-256 is
// kept (the scheduler checks the token Testing Farm sends back against it).
//
// Testing Farm does not deduplicate either. Each request carries its idempotency key as
// the environment variable PACKFLOW_IDEMPOTENCY_KEY, which Testing Farm keeps and lists;
// a target queued before (a retry after a crash) first looks among the requests created
// since it was queued and adopts the one with its key. The adopted request keeps the
// notification token of the attempt that created it: that token's hash was recorded
// before the request was sent, so it is only replaced when a new request is sent.
import { createHash, randomBytes } from 'node:crypto';
import { testOutcome, type TestRequest, type TestingFarmClient } from '@packflow/clients';
import type { ActivityDefinition, Signal } from '@packflow/engine';
import type { UpstreamRepository } from '../upstream.repository.js';
import { cloneUrl, EXTERNAL_RETRY } from './activity-context.js';

export interface TestingFarmActivityOptions {
  testingFarm: TestingFarmClient;
  repository: UpstreamRepository;
  /** The scheduler's public URL; notifications go to `<url>/webhooks/testing-farm`. */
  publicUrl: string;
  pollAfterMs?: number;
  finalDeadlineMs?: number;
}

/** `fedora-41-x86_64` -> compose `Fedora-41`, arch `x86_64`; `centos-stream-10-x86_64` -> `CentOS-Stream-10`. */
export function composeOf(chroot: string): { compose: string; arch: string } {
  const m = /^(.*)-([a-z0-9_]+)$/.exec(chroot);
  const [release, arch] = m ? [m[1], m[2]] : [chroot, 'x86_64'];
  const fedora = /^fedora-(\d+|rawhide)$/.exec(release);
  if (fedora) return { compose: fedora[1] === 'rawhide' ? 'Fedora-Rawhide' : `Fedora-${fedora[1]}`, arch };
  const epel = /^epel-(\d+)$/.exec(release);
  if (epel) return { compose: `CentOS-Stream-${epel[1]}`, arch };
  const stream = /^centos-stream-(\d+)$/.exec(release);
  if (stream) return { compose: `CentOS-Stream-${stream[1]}`, arch };
  return { compose: release, arch };
}

/** A Testing Farm request as a signal for the engine (undefined while it waits). */
export function testSignalOf(request: TestRequest): Signal | undefined {
  const data = { overall: request.overall, summary: request.summary, tests: request.tests.length };
  const logUrl = request.artifactsUrl ?? undefined;
  switch (testOutcome(request)) {
    case 'running':
      return { state: 'started', webUrl: request.webUrl, logUrl };
    case 'success':
      return { state: 'success', logUrl, data };
    case 'failure':
      return { state: 'failure', reason: request.summary ?? 'tests failed', logUrl, data };
    case 'error':
      return { state: 'error', reason: request.summary ?? 'Testing Farm could not run the tests', logUrl, data };
    case 'cancelled':
      return { state: 'error', reason: 'cancelled in Testing Farm', logUrl, data };
    default:
      return undefined;
  }
}

export const IDEMPOTENCY_VARIABLE = 'PACKFLOW_IDEMPOTENCY_KEY';
/** Requests created this long before the target was queued are not looked at (clock skew). */
const LOOKBACK_MS = 5 * 60_000;

export function testingFarmActivities(o: TestingFarmActivityOptions): ActivityDefinition {
  return {
    timeoutMs: 60_000,
    retry: EXTERNAL_RETRY,
    pollAfterMs: o.pollAfterMs ?? 30 * 60_000,
    finalDeadlineMs: o.finalDeadlineMs ?? 24 * 3600_000,
    async submit(tasks) {
      const results = [];
      // Only targets queued before can have a request from an earlier attempt.
      const retried = tasks.filter((t) => t.target.queuedAt);
      const earlier = retried.length
        ? await o.testingFarm.listRequests(
            new Date(Math.min(...retried.map((t) => Date.parse(t.target.queuedAt!))) - LOOKBACK_MS),
          )
        : [];
      for (const task of tasks) {
        const adopted = task.target.queuedAt
          ? earlier.find((r) => r.variables[IDEMPOTENCY_VARIABLE] === task.idempotencyKey)
          : undefined;
        if (adopted) {
          await o.repository.setTestRequestId(task.target.id, adopted.id);
          results.push({ externalId: adopted.id, webUrl: adopted.webUrl });
          continue;
        }
        const build =
          task.inputs.find((t) => t.kind === 'copr_build' && t.target === task.target.target) ?? task.inputs[0];
        const token = randomBytes(24).toString('hex');
        // Recorded before the request exists, so its notification can always be checked.
        await o.repository.setNotificationTokenHash(task.target.id, createHash('sha256').update(token).digest('hex'));
        const opt = (k: string) => (typeof task.options[k] === 'string' ? (task.options[k] as string) : undefined);
        const request = await o.testingFarm.submitRequest({
          fmf: {
            url: opt('fmf_url') ?? cloneUrl(task.pipeline),
            ref: opt('fmf_ref') ?? task.pipeline.commitSha,
            path: opt('fmf_path'),
            plan: opt('tmt_plan'),
          },
          environment: {
            ...composeOf(task.target.target),
            coprBuild: build?.externalId ? { buildId: build.externalId, chroot: build.target } : undefined,
            variables: { [IDEMPOTENCY_VARIABLE]: task.idempotencyKey },
          },
          notification: { url: `${o.publicUrl.replace(/\/$/, '')}/webhooks/testing-farm`, token },
        });
        // Recorded at once (the engine records it too, after the whole batch): the
        // scheduler matches Testing Farm's notification to the request by this id.
        await o.repository.setTestRequestId(task.target.id, request.id);
        results.push({ externalId: request.id, webUrl: request.webUrl });
      }
      return results;
    },
    async poll(task) {
      return testSignalOf(await o.testingFarm.getRequest(task.target.externalId!));
    },
    async cancel(task) {
      await o.testingFarm.cancelRequest(task.target.externalId!);
    },
  };
}
