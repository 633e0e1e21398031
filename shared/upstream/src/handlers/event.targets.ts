// What the upstream handler reads off an event before it acts: the build or test a result
// is about, and the GitHub App installation a forge event was delivered for.
import type { ItemKind } from '@packflow/core';
import type { EventMessage } from '@packflow/events';

/** The build or test a result event is about, by its external id. */
export function resultTargetOf(event: EventMessage): { kind: ItemKind; externalId: string } | undefined {
  switch (event.type) {
    case 'copr.build_start':
    case 'copr.build_end':
      return { kind: event.copr.srpm ? 'srpm_build' : 'copr_build', externalId: event.copr.buildId };
    case 'testing_farm.notification':
      return { kind: 'tests', externalId: event.testingFarm.requestId };
    case 'koji.task_state_change':
      return { kind: 'koji_build', externalId: event.koji.taskId };
    default:
      return undefined;
  }
}

/** The GitHub App installation a forge event was delivered for (null elsewhere). */
export function installationOf(event: EventMessage): number | null {
  return 'installationId' in event ? (event.installationId ?? null) : null;
}
