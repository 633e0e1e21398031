// The one mapping from a typed event (@packflow/events) to what planning needs to know
// (PlanEvent). The upstream worker, `packflow plan` and the web API all plan through it,
// so the same payload plans the same everywhere.
import { parseCommentCommand, type PackflowEvent, type PackitCommand } from '@packflow/events';
import type { CommentCommand, PlanEvent } from './plan-event.types.js';

/** A `/packit …` command as planning reads it (`copr-build` keeps its word; an unknown word is named). */
export function commentCommandOf(command: PackitCommand): CommentCommand {
  const out: CommentCommand = {
    command: command.name === 'help' || command.word === 'copr-build' ? command.word || 'help' : command.name,
    args: command.args,
    instance: command.prefix === '/packit-stg' ? 'stg' : 'prod',
  };
  if (command.identifier) out.identifier = command.identifier;
  if (command.package) out.package = command.package;
  if (command.labels) out.labels = command.labels;
  if (command.commit) out.commit = command.commit;
  if (command.release) out.release = command.release;
  if (command.buildsFrom) out.buildsFrom = command.buildsFrom;
  if (command.kojiTarget) out.kojiTarget = command.kojiTarget;
  if (command.version) out.version = command.version;
  return out;
}

/** The `/packit …` command of a comment's text, as planning reads it; undefined for an ordinary comment. */
export function commentCommandIn(text: string): CommentCommand | undefined {
  const command = parseCommentCommand(text);
  return command ? commentCommandOf(command) : undefined;
}

export interface KnownFacts {
  /** Files the change touched, when the caller asked the forge (the payload's own list wins otherwise). */
  changedFiles?: string[];
}

/**
 * The PlanEvent of a trigger or comment event; undefined for events that plan nothing
 * (a closed pull request, a build result). Fields the event does not carry stay unset:
 * planning then leaves out no job for them.
 */
export function planEventOf(event: PackflowEvent, known: KnownFacts = {}): PlanEvent | undefined {
  switch (event.type) {
    case 'pull_request.opened':
    case 'pull_request.reopened':
    case 'pull_request.synchronize':
      return compact({
        kind: 'pull_request',
        branch: event.pullRequest.targetBranch ?? undefined,
        defaultBranch: event.defaultBranch ?? undefined,
        labels: event.labels ?? undefined,
        changedFiles: event.changedFiles ?? known.changedFiles ?? undefined,
        repository: event.project.forge === 'pagure' ? 'dist-git' : undefined,
      });
    case 'push.branch':
      return compact({
        kind: 'push',
        branch: event.ref.name,
        defaultBranch: event.defaultBranch ?? undefined,
        changedFiles: event.changedFiles ?? known.changedFiles ?? undefined,
        repository: event.project.forge === 'pagure' ? 'dist-git' : undefined,
      });
    // A tag push runs nothing, as in Packit (no handler reacts to GitLab's Tag Push Hook;
    // GitHub's is no branch): release jobs run on the release (GitHub's release event,
    // GitLab's Release Hook), which comes with the tag push of a new tag. Running both
    // would build every release twice.
    case 'push.tag':
      return undefined;
    case 'release.published':
      return compact({ kind: 'release', tag: event.release.tag, defaultBranch: event.defaultBranch ?? undefined });
    case 'pull_request.comment':
    case 'commit.comment':
    case 'issue.comment':
      return compact({
        kind: 'comment',
        commentOn:
          event.type === 'pull_request.comment' ? 'pull_request' : event.type === 'commit.comment' ? 'commit' : 'issue',
        comment: commentCommandOf(event.command),
        defaultBranch: event.defaultBranch ?? undefined,
        labels: event.type === 'pull_request.comment' ? (event.labels ?? undefined) : undefined,
        changedFiles: event.changedFiles ?? known.changedFiles ?? undefined,
        repository: event.project.forge === 'pagure' ? 'dist-git' : undefined,
      });
    default:
      return undefined;
  }
}

/** Which trigger a pipeline started by this event runs for (`comment` runs pull request jobs). */
export function triggerOf(event: PackflowEvent): string {
  if (event.type === 'push.branch') return 'commit';
  if (event.type === 'push.tag' || event.type === 'release.published') return 'release';
  return 'pull_request';
}

/** Leaves out unset fields, so plans and their JSON compare equal however the event was built. */
function compact(event: PlanEvent): PlanEvent {
  return Object.fromEntries(Object.entries(event).filter(([, v]) => v !== undefined)) as unknown as PlanEvent;
}
