// Results of builds and tests packflow started (Copr's and Koji's bus messages, Testing
// Farm's notifications), applied to their pipeline's targets as engine signals.
import { TooEarlyError, type Logger } from '@packflow/core';
import { coprSignalOf } from '../activities/copr.activities.js';
import { testSignalOf } from '../activities/testing-farm.activities.js';
import type { Msg, UpstreamServiceDeps } from './upstream.service.types.js';

type Deps = Pick<UpstreamServiceDeps, 'engine' | 'testingFarm' | 'results'>;

const KOJI_TASK_STATES: Record<string, 'started' | 'success' | 'failure' | 'error'> = {
  OPEN: 'started',
  CLOSED: 'success',
  FAILED: 'failure',
  CANCELED: 'error',
};

export async function applyCoprResult(
  d: Deps,
  event: Msg<'copr.build_start' | 'copr.build_end'>,
  logger: Logger,
): Promise<void> {
  const { copr } = event;
  const signal = event.type === 'copr.build_start' ? { state: 'started' as const } : coprSignalOf(copr.status);
  if (!signal) return;
  const outcome = await d.engine.signal(
    copr.srpm
      ? { kind: 'srpm_build', externalId: copr.buildId }
      : { kind: 'copr_build', externalId: copr.buildId, target: copr.chroot },
    signal,
  );
  if (!copr.srpm && outcome.note === 'unknown target') {
    // The scheduler sends a chroot's result here only when the build is packflow's: its
    // target records the build id once the SRPM succeeds, so try again after that.
    throw new TooEarlyError(
      'copr_target_not_recorded',
      `Copr build ${copr.buildId} ${copr.chroot}: no target has recorded this build yet`,
    );
  }
  if (outcome.note === 'unknown target')
    logger.info({ build: copr.buildId }, 'Copr SRPM build result ignored: no target has recorded this build');
  else logger.debug({ outcome, build: copr.buildId, chroot: copr.chroot }, 'copr result applied');
}

export async function applyTestingFarmResult(
  d: Deps,
  event: Msg<'testing_farm.notification'>,
  logger: Logger,
): Promise<void> {
  const request = await d.testingFarm.getRequest(event.testingFarm.requestId);
  const signal = testSignalOf(request);
  if (!signal) return;
  const known = signal.state === 'started' || (await d.results.record(request));
  const outcome = known ? await d.engine.signal({ kind: 'tests', externalId: request.id }, signal) : undefined;
  if (!outcome || outcome.note === 'unknown target') {
    // Testing Farm notifies only the webhook packflow gave at submit time, so the request
    // is packflow's; a notification can outrun the engine recording the request id (a
    // test that ends at once): try again after that.
    throw new TooEarlyError(
      'testing_farm_request_not_recorded',
      `Testing Farm request ${request.id}: no test target has recorded this request yet`,
    );
  }
  logger.debug({ outcome, request: request.id }, 'testing farm result applied');
}

export async function applyKojiTaskState(d: Deps, event: Msg<'koji.task_state_change'>, logger: Logger): Promise<void> {
  const state = KOJI_TASK_STATES[event.koji.newState];
  if (!state) return;
  const outcome = await d.engine.signal({ kind: 'koji_build', externalId: event.koji.taskId }, { state });
  if (outcome.note === 'unknown target')
    logger.info({ task: event.koji.taskId }, 'Koji task result ignored: no target has recorded this task');
}
