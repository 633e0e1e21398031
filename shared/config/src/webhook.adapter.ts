// A small adapter from GitHub and GitLab webhook bodies to a PlanEvent, for `packflow plan`
// and tests. The scheduler's intake parser is the full one; this reads only what planning needs.
import { ValidationError } from '@packflow/core';
import { parseCommentCommand } from './comment.parser.js';
import type { PlanEvent } from './plan-event.types.js';

type Json = Record<string, unknown>;

const GITHUB_EVENTS = ['pull_request', 'push', 'release', 'issue_comment', 'commit_comment'];
const GITLAB_EVENTS = ['Merge Request Hook', 'Push Hook', 'Tag Push Hook', 'Release Hook', 'Note Hook'];

/**
 * The PlanEvent of a webhook body. `eventType` is the `X-GitHub-Event` or `X-Gitlab-Event`
 * header; without it the type is inferred from the body. Throws a ValidationError for
 * events that run no job (a closed pull request, a deleted branch) or that it does not know.
 */
export function planEventFromWebhook(eventType: string | undefined, payload: unknown): PlanEvent {
  if (!isJson(payload)) throw new ValidationError('the webhook body is not a JSON object');
  const type = eventType?.trim() || inferType(payload);
  if (!type) {
    throw new ValidationError(
      `cannot tell which event this body is; pass its type (GitHub: ${GITHUB_EVENTS.join(', ')}; GitLab: ${GITLAB_EVENTS.join(', ')})`,
    );
  }
  switch (type) {
    case 'pull_request':
      return githubPullRequest(payload);
    case 'push':
      return githubPush(payload);
    case 'release':
      return githubRelease(payload);
    case 'issue_comment':
    case 'commit_comment':
      return githubComment(type, payload);
    case 'Merge Request Hook':
    case 'merge_request':
      return gitlabMergeRequest(payload);
    case 'Push Hook':
      return gitlabPush(payload);
    case 'Tag Push Hook':
    case 'tag_push':
    case 'Release Hook':
      return gitlabRelease(payload);
    case 'Note Hook':
    case 'note':
      return gitlabNote(payload);
    default:
      throw new ValidationError(
        `event type ${type} runs no job; packflow plans for GitHub ${GITHUB_EVENTS.join(', ')} and GitLab ${GITLAB_EVENTS.join(', ')}`,
      );
  }
}

function inferType(p: Json): string | undefined {
  const kind = str(p.object_kind);
  if (kind)
    return (
      {
        merge_request: 'Merge Request Hook',
        push: 'Push Hook',
        tag_push: 'Tag Push Hook',
        release: 'Release Hook',
        note: 'Note Hook',
      }[kind] ?? kind
    );
  if (isJson(p.pull_request) && 'number' in p) return 'pull_request';
  if (isJson(p.comment) && isJson(p.issue)) return 'issue_comment';
  if (isJson(p.comment) && str((p.comment as Json).commit_id)) return 'commit_comment';
  if (isJson(p.release)) return 'release';
  if (str(p.ref) && 'commits' in p) return 'push';
  if (isJson(p.check_run)) return 'check_run';
  if (isJson(p.installation) && ('repositories' in p || 'repositories_added' in p)) return 'installation';
  return undefined;
}

const PR_ACTIONS = ['opened', 'reopened', 'synchronize', 'ready_for_review'];

function githubPullRequest(p: Json): PlanEvent {
  const action = str(p.action);
  if (action && !PR_ACTIONS.includes(action))
    throw new ValidationError(`pull_request action "${action}" runs no job (jobs run on ${PR_ACTIONS.join(', ')})`);
  const pr = obj(p.pull_request);
  return {
    kind: 'pull_request',
    branch: str(obj(pr.base).ref),
    defaultBranch: str(obj(p.repository).default_branch),
    labels: names(pr.labels, 'name'),
  };
}

function githubPush(p: Json): PlanEvent {
  const ref = str(p.ref) ?? '';
  if (p.deleted === true || /^0+$/.test(str(p.after) ?? ''))
    throw new ValidationError(`push of ${ref} deletes it; it runs no job`);
  if (!ref.startsWith('refs/heads/'))
    throw new ValidationError(`push of ${ref} runs no job (GitHub tags run jobs through releases)`);
  return {
    kind: 'push',
    branch: ref.slice('refs/heads/'.length),
    defaultBranch: str(obj(p.repository).default_branch),
    changedFiles: changedFiles(p.commits),
  };
}

function githubRelease(p: Json): PlanEvent {
  const action = str(p.action);
  if (action && action !== 'published')
    throw new ValidationError(`release action "${action}" runs no job (jobs run when a release is published)`);
  return { kind: 'release', tag: str(obj(p.release).tag_name), defaultBranch: str(obj(p.repository).default_branch) };
}

function githubComment(type: string, p: Json): PlanEvent {
  const action = str(p.action);
  if (action && action !== 'created')
    throw new ValidationError(`comment action "${action}" runs no job (only new comments do)`);
  const body = str(obj(p.comment).body) ?? '';
  const issue = obj(p.issue);
  const onPr = type === 'issue_comment' && 'pull_request' in issue;
  return {
    kind: 'comment',
    commentOn: type === 'commit_comment' ? 'commit' : onPr ? 'pull_request' : 'issue',
    comment: parseCommentCommand(body),
    defaultBranch: str(obj(p.repository).default_branch),
    labels: onPr ? names(issue.labels, 'name') : undefined,
  };
}

const MR_ACTIONS = ['open', 'reopen', 'update'];

function gitlabMergeRequest(p: Json): PlanEvent {
  const attrs = obj(p.object_attributes);
  const action = str(attrs.action);
  if (action && !MR_ACTIONS.includes(action))
    throw new ValidationError(`merge request action "${action}" runs no job (jobs run on ${MR_ACTIONS.join(', ')})`);
  return {
    kind: 'pull_request',
    branch: str(attrs.target_branch),
    defaultBranch: str(obj(p.project).default_branch),
    labels: names(p.labels, 'title') ?? names(attrs.labels, 'title'),
  };
}

function gitlabPush(p: Json): PlanEvent {
  const ref = str(p.ref) ?? '';
  if (/^0+$/.test(str(p.after) ?? '')) throw new ValidationError(`push of ${ref} deletes it; it runs no job`);
  if (!ref.startsWith('refs/heads/')) throw new ValidationError(`push of ${ref} is not a branch push`);
  return {
    kind: 'push',
    branch: ref.slice('refs/heads/'.length),
    defaultBranch: str(obj(p.project).default_branch),
    changedFiles: changedFiles(p.commits),
  };
}

function gitlabRelease(p: Json): PlanEvent {
  const ref = str(p.ref);
  const tag = str(p.tag) ?? (ref?.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined);
  if (str(p.object_kind) === 'release' && str(p.action) && str(p.action) !== 'create') {
    throw new ValidationError(`release action "${str(p.action)}" runs no job`);
  }
  return { kind: 'release', tag, defaultBranch: str(obj(p.project).default_branch) };
}

function gitlabNote(p: Json): PlanEvent {
  const attrs = obj(p.object_attributes);
  const type = str(attrs.noteable_type);
  const mr = obj(p.merge_request);
  const commentOn = type === 'MergeRequest' ? 'pull_request' : type === 'Commit' ? 'commit' : 'issue';
  return {
    kind: 'comment',
    commentOn,
    comment: parseCommentCommand(str(attrs.note) ?? ''),
    branch: commentOn === 'pull_request' ? str(mr.target_branch) : undefined,
    defaultBranch: str(obj(p.project).default_branch),
    labels: commentOn === 'pull_request' ? (names(mr.labels, 'title') ?? []) : undefined,
  };
}

/** Added, modified and removed files of the pushed commits, each once; undefined when the body lists none. */
function changedFiles(commits: unknown): string[] | undefined {
  if (!Array.isArray(commits)) return undefined;
  const files = new Set<string>();
  let listed = false;
  for (const c of commits) {
    if (!isJson(c)) continue;
    for (const key of ['added', 'modified', 'removed']) {
      const list = c[key];
      if (!Array.isArray(list)) continue;
      listed = true;
      for (const f of list) if (typeof f === 'string') files.add(f);
    }
  }
  return listed ? [...files] : undefined;
}

function names(list: unknown, key: string): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((l) => (isJson(l) ? str(l[key]) : str(l))).filter((s): s is string => s !== undefined);
}

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown): Json {
  return isJson(v) ? v : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
