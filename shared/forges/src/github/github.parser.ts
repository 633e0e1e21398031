// GitHub webhooks (`X-GitHub-Event` + JSON body) -> typed events.
import { eventOf, ignored, parseCommentCommand } from '@packflow/events';
import type { EventOfType, EventProject, EventRef, PackflowEvent, ParseResult, PayloadReader } from '@packflow/events';
import { forgeEnvelope, forgeProject, labelNames, pushEvent, readWebhook } from '../forge-payload.js';
import type { WebhookReaders } from '../forge-payload.js';

const PULL_REQUEST_ACTIONS = {
  opened: 'pull_request.opened',
  reopened: 'pull_request.reopened',
  synchronize: 'pull_request.synchronize',
  closed: 'pull_request.closed',
} as const;

/**
 * Parses one GitHub webhook. Returns a typed event, `{ignored}` for a valid event
 * packflow does not act on, or throws a ValidationError naming the missing field.
 */
export function parseGithub(eventName: string, payload: unknown): ParseResult {
  return readWebhook('GitHub', READERS, eventName, payload);
}

const READERS: WebhookReaders = {
  ping: () => ignored('ping: the webhook is set up', 'ping'),
  pull_request: pullRequest,
  push,
  release,
  issue_comment: issueComment,
  commit_comment: commitComment,
  check_run: checkRun,
  installation,
};

/** `repository.html_url` gives the instance; `full_name` the namespace and repo. */
export function githubProject(repository: PayloadReader): EventProject {
  return forgeProject('github', repository, 'html_url', 'full_name', 'repository');
}

function actor(body: PayloadReader): string | null {
  return body.optObj('sender')?.optStr('login') ?? null;
}

function envelope(body: PayloadReader, ref: EventRef, sha: string | null) {
  const repository = body.obj('repository');
  return {
    ...forgeEnvelope('github', repository, githubProject(repository), { ref, sha, actor: actor(body) }),
    // The App installation the webhook was delivered for: which deployment owns the event.
    installationId: body.optObj('installation')?.optInt('id') ?? null,
  };
}

function pullRequest(body: PayloadReader): ParseResult {
  const action = body.str('action');
  const type = PULL_REQUEST_ACTIONS[action as keyof typeof PULL_REQUEST_ACTIONS];
  if (!Object.hasOwn(PULL_REQUEST_ACTIONS, action))
    return ignored(`pull_request action "${action}" is not acted on`, `pull_request.${action}`);
  const pr = body.obj('pull_request');
  const number = pr.int('number');
  const head = pr.obj('head');
  const headRepo = head.optObj('repo');
  return eventOf(type, {
    ...envelope(body, { kind: 'pull_request', name: String(number) }, head.str('sha')),
    sha: head.str('sha'),
    labels: labelNames(pr, 'labels', 'name'),
    authorAssociation: pr.optStr('author_association'),
    pullRequest: {
      number,
      title: pr.optStr('title'),
      url: pr.optStr('html_url'),
      sourceBranch: head.optStr('ref'),
      targetBranch: pr.obj('base').optStr('ref'),
      sourceProject: headRepo ? githubProject(headRepo) : null,
      merged: pr.bool('merged', false),
    },
  });
}

function push(body: PayloadReader): ParseResult {
  const sha = body.str('after');
  const facts = { sha, deleted: body.bool('deleted', false), total: null };
  return pushEvent(body, facts, (ref) => envelope(body, ref, sha));
}

function release(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'published') return ignored(`release action "${action}" is not acted on`, `release.${action}`);
  const rel = body.obj('release');
  const tag = rel.str('tag_name');
  return {
    type: 'release.published',
    ...envelope(body, { kind: 'release', name: tag }, null),
    release: { tag, name: rel.optStr('name'), url: rel.optStr('html_url') },
  };
}

function comment(body: PayloadReader) {
  const c = body.obj('comment');
  return { id: c.id('id'), body: c.optStr('body') ?? '', url: c.optStr('html_url') };
}

function issueComment(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'created')
    return ignored(`issue_comment action "${action}" is not acted on`, `issue_comment.${action}`);
  const c = comment(body);
  const command = parseCommentCommand(c.body);
  if (!command) return ignored('comment without a /packit command', 'issue_comment.created');
  const issue = body.obj('issue');
  const number = String(issue.int('number'));
  const onPullRequest = issue.has('pull_request');
  const event: PackflowEvent = {
    type: onPullRequest ? 'pull_request.comment' : 'issue.comment',
    ...envelope(body, { kind: onPullRequest ? 'pull_request' : 'issue', name: number }, null),
    labels: labelNames(issue, 'labels', 'name'),
    authorAssociation: body.obj('comment').optStr('author_association'),
    comment: c,
    command,
    // An issue's text: Packit's issues about failed Fedora jobs name the dist-git and its branches.
    ...(onPullRequest ? {} : { issue: { title: issue.optStr('title'), body: issue.optStr('body') } }),
  };
  return event;
}

function commitComment(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'created')
    return ignored(`commit_comment action "${action}" is not acted on`, `commit_comment.${action}`);
  const c = comment(body);
  const command = parseCommentCommand(c.body);
  if (!command) return ignored('comment without a /packit command', 'commit_comment.created');
  const sha = body.obj('comment').str('commit_id');
  return {
    type: 'commit.comment',
    ...envelope(body, { kind: 'commit', name: sha }, sha),
    authorAssociation: body.obj('comment').optStr('author_association'),
    comment: c,
    command,
  };
}

function checkRun(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'rerequested' && action !== 'requested_action') {
    return ignored(`check_run action "${action}" is not acted on`, `check_run.${action}`);
  }
  const run = body.obj('check_run');
  const sha = run.str('head_sha');
  const prs = run.has('pull_requests') ? run.objects('pull_requests') : [];
  const branch = run.optObj('check_suite')?.optStr('head_branch');
  const ref: EventRef = prs.length
    ? { kind: 'pull_request', name: String(prs[0].int('number')) }
    : branch
      ? { kind: 'branch', name: branch }
      : { kind: 'commit', name: sha };
  const event: EventOfType<'check_run.rerequested' | 'check_run.requested_action'> = {
    type: action === 'rerequested' ? 'check_run.rerequested' : 'check_run.requested_action',
    ...envelope(body, ref, sha),
    sha,
    checkRun: { id: run.id('id'), name: run.str('name'), externalId: run.optStr('external_id') },
    requestedAction:
      action === 'requested_action' ? { identifier: body.obj('requested_action').str('identifier') } : null,
  };
  return event;
}

function installation(body: PayloadReader): ParseResult {
  const action = body.str('action');
  if (action !== 'created' && action !== 'deleted')
    return ignored(`installation action "${action}" is not acted on`, `installation.${action}`);
  const inst = body.obj('installation');
  const account = inst.obj('account');
  const repositories = body.has('repositories') ? body.objects('repositories').map((r) => r.str('full_name')) : [];
  return eventOf(action === 'created' ? 'installation.created' : 'installation.deleted', {
    source: 'github',
    project: null,
    ref: null,
    sha: null,
    actor: actor(body),
    installation: {
      id: inst.id('id'),
      instanceUrl: githubInstance(account),
      account: account.str('login'),
      repositories,
    },
  });
}

/** The web origin of the account: `html_url`, else its API `url` (api.github.com -> github.com). */
function githubInstance(account: PayloadReader): string {
  const url = account.optStr('html_url') ?? account.optStr('url');
  if (!url) return 'https://github.com';
  try {
    const u = new URL(url);
    return u.host === 'api.github.com' ? 'https://github.com' : u.origin;
  } catch {
    return account.fail(account.has('html_url') ? 'html_url' : 'url', 'a URL');
  }
}
