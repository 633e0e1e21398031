// Typed events (as the scheduler recorded them) -> what planning needs to know.
import type { PlanEvent } from '@packflow/config';
import type { EventMessage, PackitCommand } from '@packflow/events';

export function commandOf(command: PackitCommand) {
  return {
    command: command.word === 'copr-build' ? 'copr-build' : command.name,
    args: command.args,
    identifier: command.identifier ?? undefined,
    package: command.package ?? undefined,
    instance: command.prefix === '/packit-stg' ? ('stg' as const) : ('prod' as const),
  };
}

/** The PlanEvent of a trigger or comment event; undefined for events that plan nothing. */
export function planEventOf(event: EventMessage, changedFiles?: string[]): PlanEvent | undefined {
  switch (event.type) {
    case 'pull_request.opened':
    case 'pull_request.reopened':
    case 'pull_request.synchronize':
      return { kind: 'pull_request', branch: event.pullRequest.targetBranch ?? undefined, changedFiles };
    case 'push.branch':
      return { kind: 'push', branch: event.ref.name, changedFiles };
    case 'push.tag':
      return { kind: 'release', tag: event.ref.name };
    case 'release.published':
      return { kind: 'release', tag: event.release.tag };
    case 'pull_request.comment':
    case 'commit.comment':
    case 'issue.comment':
      return {
        kind: 'comment',
        commentOn:
          event.type === 'pull_request.comment' ? 'pull_request' : event.type === 'commit.comment' ? 'commit' : 'issue',
        comment: commandOf(event.command),
        changedFiles,
      };
    default:
      return undefined;
  }
}

/** Which trigger a pipeline started by this event runs for (`comment` runs pull request jobs). */
export function triggerOf(event: EventMessage): string {
  if (event.type.startsWith('push.branch')) return 'commit';
  if (event.type === 'push.tag' || event.type === 'release.published') return 'release';
  return 'pull_request';
}
