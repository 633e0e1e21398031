// GitLab webhooks (`X-Gitlab-Event` + JSON body) -> typed events.
import { eventOf, ignored, parseCommentCommand } from '@packflow/events';
import type { EventProject, EventRef, PackflowEvent, ParseResult, PayloadReader } from '@packflow/events';
import { forgeEnvelope, forgeProject, labelNames, pushEvent, readWebhook } from '../forge-payload.js';
import type { WebhookReaders } from '../forge-payload.js';

/**
 * Parses one GitLab webhook. Returns a typed event, `{ignored}` for a valid event
 * packflow does not act on, or throws a ValidationError naming the missing field.
 */
export function parseGitlab(eventName: string, payload: unknown): ParseResult {
  return readWebhook('GitLab', READERS, eventName, payload);
}

const READERS: WebhookReaders = {
  'Merge Request Hook': mergeRequest,
  'Note Hook': note,
  'Push Hook': push,
  'Tag Push Hook': push,
  'Release Hook': release,
  'Pipeline Hook': pipeline,
};

/** `project.web_url` gives the instance; `path_with_namespace` the namespace and repo. */
export function gitlabProject(project: PayloadReader): EventProject {
  return forgeProject('gitlab', project, 'web_url', 'path_with_namespace', 'project');
}

function actor(body: PayloadReader): string | null {
  return body.optObj('user')?.optStr('username') ?? body.optStr('user_username');
}

function envelope(body: PayloadReader, ref: EventRef, sha: string | null) {
  const project = body.obj('project');
  return forgeEnvelope('gitlab', project, gitlabProject(project), { ref, sha, actor: actor(body) });
}

/**
 * `open`, `reopen`, `update` with new commits (`oldrev` is set), `close` and `merge`.
 * A hook without `action` (older GitLab) is read from `state`, as packit-service does.
 */
function mergeRequest(body: PayloadReader): ParseResult {
  const mr = body.obj('object_attributes');
  const state = mr.optStr('state');
  const action = mr.optStr('action') ?? { opened: 'open', closed: 'close', merged: 'merge' }[state ?? ''] ?? null;
  if (!action) return mr.fail('action', 'a merge request action');
  let type: 'pull_request.opened' | 'pull_request.reopened' | 'pull_request.synchronize' | 'pull_request.closed';
  switch (action) {
    case 'open':
      type = 'pull_request.opened';
      break;
    case 'reopen':
      type = 'pull_request.reopened';
      break;
    case 'update':
      if (!mr.has('oldrev')) return ignored('merge request updated without new commits', 'merge_request.update');
      type = 'pull_request.synchronize';
      break;
    case 'close':
    case 'merge':
      type = 'pull_request.closed';
      break;
    default:
      return ignored(`merge request action "${action}" is not acted on`, `merge_request.${action}`);
  }
  const number = mr.int('iid');
  const sha = mr.obj('last_commit').str('id');
  const source = mr.optObj('source');
  return eventOf(type, {
    ...envelope(body, { kind: 'pull_request', name: String(number) }, sha),
    sha,
    labels: labelNames(body, 'labels', 'title') ?? labelNames(mr, 'labels', 'title'),
    pullRequest: {
      number,
      title: mr.optStr('title'),
      url: mr.optStr('url'),
      sourceBranch: mr.optStr('source_branch'),
      targetBranch: mr.optStr('target_branch'),
      sourceProject: source ? gitlabProject(source) : null,
      merged: action === 'merge' || state === 'merged',
    },
  });
}

/**
 * A new note. Recent GitLab also sends the hook when a note is edited, with
 * `object_attributes.action: update`; an edited command is not run again (as a GitHub
 * `issue_comment` that is `edited`). Older GitLab sends no action, and only for new notes.
 */
function note(body: PayloadReader): ParseResult {
  const attrs = body.obj('object_attributes');
  const noteAction = attrs.optStr('action');
  if (noteAction !== null && noteAction !== 'create')
    return ignored(`note action "${noteAction}" is not acted on`, `note.${noteAction}`);
  const noteableType = attrs.str('noteable_type');
  const text = attrs.optStr('note') ?? '';
  const comment = { id: attrs.id('id'), body: text, url: attrs.optStr('url') };
  let ref: EventRef;
  let sha: string | null;
  let type: 'pull_request.comment' | 'issue.comment' | 'commit.comment';
  let labels: string[] | null = null;
  switch (noteableType) {
    case 'MergeRequest': {
      const mr = body.obj('merge_request');
      labels = labelNames(mr, 'labels', 'title');
      ref = { kind: 'pull_request', name: String(mr.int('iid')) };
      sha = mr.optObj('last_commit')?.optStr('id') ?? null;
      type = 'pull_request.comment';
      break;
    }
    case 'Issue':
      ref = { kind: 'issue', name: String(body.obj('issue').int('iid')) };
      sha = null;
      type = 'issue.comment';
      break;
    case 'Commit':
      sha = body.optObj('commit')?.optStr('id') ?? attrs.str('commit_id');
      ref = { kind: 'commit', name: sha };
      type = 'commit.comment';
      break;
    default:
      return ignored(`comment on a ${noteableType} is not acted on`, `note.${noteableType.toLowerCase()}`);
  }
  const command = parseCommentCommand(text);
  if (!command) return ignored('comment without a /packit command', `note.${noteableType.toLowerCase()}`);
  const event: PackflowEvent = { type, ...envelope(body, ref, sha), labels, comment, command };
  return event;
}

function push(body: PayloadReader): ParseResult {
  const sha = body.optStr('checkout_sha') ?? body.str('after');
  const facts = { sha, deleted: false, total: body.optInt('total_commits_count') };
  return pushEvent(body, facts, (ref) => envelope(body, ref, sha));
}

function release(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'create') return ignored(`release action "${action}" is not acted on`, `release.${action}`);
  const tag = body.str('tag');
  const sha = body.optObj('commit')?.optStr('id') ?? null;
  return {
    type: 'release.published',
    ...envelope(body, { kind: 'release', name: tag }, sha),
    release: { tag, name: body.optStr('name'), url: body.optStr('url') },
  };
}

function pipeline(body: PayloadReader): ParseResult {
  const attrs = body.obj('object_attributes');
  const sha = attrs.str('sha');
  const refName = attrs.optStr('ref');
  const mr = body.optObj('merge_request');
  const ref: EventRef = mr
    ? { kind: 'pull_request', name: String(mr.int('iid')) }
    : refName
      ? { kind: attrs.bool('tag', false) ? 'release' : 'branch', name: refName }
      : { kind: 'commit', name: sha };
  return {
    type: 'ci_pipeline.updated',
    ...envelope(body, ref, sha),
    sha,
    pipeline: {
      id: attrs.id('id'),
      status: attrs.str('status'),
      source: attrs.optStr('source'),
      ref: refName,
      mergeRequest: mr
        ? {
            iid: mr.int('iid'),
            url: mr.optStr('url'),
            sourceProjectId: mr.optId('source_project_id'),
            targetProjectId: mr.optId('target_project_id'),
          }
        : null,
      // Absent from hooks of older GitLab: no jobs then, the pipeline's own status still counts.
      jobs: body.has('builds')
        ? body.objects('builds').map((job) => ({
            id: job.id('id'),
            name: job.str('name'),
            stage: job.optStr('stage'),
            status: job.str('status'),
            allowFailure: job.bool('allow_failure', false),
          }))
        : [],
    },
  };
}
