// Webhook bodies the fake GitHub sends for the events packflow acts on, written after the
// real ones (pull_request, issue_comment, check_run): the fields packflow reads plus the
// usual companions, with web URLs on the configured web host (default https://github.com).
import { createHash } from 'node:crypto';
import type { FakeCheckRun } from './fake-github.check-runs.js';

export interface WebhookContext {
  /** `https://github.com`. */
  web: string;
  /** The fake's API root. */
  api: string;
  installationId: number | undefined;
}

export interface PullRequestEventInput {
  number: number;
  action?: 'opened' | 'reopened' | 'synchronize' | 'closed';
  headSha: string;
  /** Source branch (default `feature`) and target branch (default `main`). */
  headRef?: string;
  baseRef?: string;
  /** `owner/repo` of the fork the change comes from (default the repository itself). */
  headRepo?: string;
  title?: string;
  sender?: string;
  merged?: boolean;
  /** Label names on the pull request (default none). */
  labels?: string[];
}

export interface PushEventInput {
  /** The branch pushed to (`main`: the repository's default branch). */
  branch: string;
  headSha: string;
  /** The sha the branch was at (default: a new branch, all zeros). */
  before?: string;
  /** Files the pushed commit added or modified (default none listed). */
  files?: string[];
  sender?: string;
}

export interface ReleaseEventInput {
  tag: string;
  name?: string;
  /** The branch or sha the tag is made from (default `main`). */
  targetCommitish?: string;
  sender?: string;
}

function id(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16);
}

export function user(login: string, web: string, type: 'User' | 'Bot' = 'User') {
  return {
    login,
    id: id(login),
    node_id: Buffer.from(`U_${login}`).toString('base64'),
    html_url: `${web}/${login}`,
    type,
    site_admin: false,
  };
}

export function repository(fullName: string, ctx: WebhookContext) {
  const [owner, name] = fullName.split('/');
  return {
    id: id(fullName),
    node_id: Buffer.from(`R_${fullName}`).toString('base64'),
    name,
    full_name: fullName,
    private: false,
    owner: user(owner, ctx.web),
    html_url: `${ctx.web}/${fullName}`,
    url: `${ctx.api}/repos/${fullName}`,
    clone_url: `${ctx.web}/${fullName}.git`,
    fork: false,
    default_branch: 'main',
  };
}

function envelope(repo: string, sender: string, ctx: WebhookContext) {
  return {
    repository: repository(repo, ctx),
    sender: user(sender, ctx.web),
    ...(ctx.installationId !== undefined
      ? { installation: { id: ctx.installationId, node_id: Buffer.from(`I_${ctx.installationId}`).toString('base64') } }
      : {}),
  };
}

export function pullRequestPayload(repo: string, input: PullRequestEventInput, ctx: WebhookContext) {
  const sender = input.sender ?? repo.split('/')[0];
  const headRepo = input.headRepo ?? repo;
  const html = `${ctx.web}/${repo}/pull/${input.number}`;
  return {
    action: input.action ?? 'opened',
    number: input.number,
    pull_request: {
      url: `${ctx.api}/repos/${repo}/pulls/${input.number}`,
      id: id(`${repo}#${input.number}`),
      html_url: html,
      number: input.number,
      state: input.action === 'closed' ? 'closed' : 'open',
      title: input.title ?? `Change ${input.number}`,
      user: user(sender, ctx.web),
      head: {
        label: `${headRepo.split('/')[0]}:${input.headRef ?? 'feature'}`,
        ref: input.headRef ?? 'feature',
        sha: input.headSha,
        user: user(headRepo.split('/')[0], ctx.web),
        repo: repository(headRepo, ctx),
      },
      base: {
        label: `${repo.split('/')[0]}:${input.baseRef ?? 'main'}`,
        ref: input.baseRef ?? 'main',
        sha: createHash('sha1').update(`${repo}:base`).digest('hex'),
        repo: repository(repo, ctx),
      },
      merged: input.merged ?? false,
      draft: false,
      labels: (input.labels ?? []).map((name) => ({ id: id(name), name, color: 'ededed', default: false })),
      author_association: 'MEMBER',
    },
    ...envelope(repo, sender, ctx),
  };
}

/** A push of one commit to a branch, as GitHub sends it. */
export function pushPayload(repo: string, input: PushEventInput, ctx: WebhookContext) {
  const sender = input.sender ?? repo.split('/')[0];
  const commit = {
    id: input.headSha,
    tree_id: createHash('sha1').update(`${input.headSha}:tree`).digest('hex'),
    distinct: true,
    message: 'Change',
    url: `${ctx.web}/${repo}/commit/${input.headSha}`,
    author: { name: sender, email: `${sender}@example.org`, username: sender },
    added: input.files ?? [],
    modified: [],
    removed: [],
  };
  return {
    ref: `refs/heads/${input.branch}`,
    before: input.before ?? '0'.repeat(40),
    after: input.headSha,
    created: input.before === undefined,
    deleted: false,
    forced: false,
    compare: `${ctx.web}/${repo}/compare/${input.headSha}`,
    commits: [commit],
    head_commit: commit,
    pusher: { name: sender, email: `${sender}@example.org` },
    ...envelope(repo, sender, ctx),
  };
}

/** A release published on a tag, as GitHub sends it. */
export function releasePayload(repo: string, input: ReleaseEventInput, ctx: WebhookContext) {
  const sender = input.sender ?? repo.split('/')[0];
  const releaseId = id(`${repo}@${input.tag}`);
  return {
    action: 'published',
    release: {
      url: `${ctx.api}/repos/${repo}/releases/${releaseId}`,
      html_url: `${ctx.web}/${repo}/releases/tag/${input.tag}`,
      id: releaseId,
      tag_name: input.tag,
      target_commitish: input.targetCommitish ?? 'main',
      name: input.name ?? input.tag,
      draft: false,
      prerelease: false,
      author: user(sender, ctx.web),
      created_at: new Date().toISOString(),
      published_at: new Date().toISOString(),
      tarball_url: `${ctx.api}/repos/${repo}/tarball/${input.tag}`,
      body: null,
    },
    ...envelope(repo, sender, ctx),
  };
}

export function issueCommentPayload(
  repo: string,
  issueNumber: number,
  body: string,
  options: { sender: string; pullRequest: boolean; commentId: number; issue?: { title: string; body: string } },
  ctx: WebhookContext,
) {
  const html = `${ctx.web}/${repo}/${options.pullRequest ? 'pull' : 'issues'}/${issueNumber}`;
  return {
    action: 'created',
    issue: {
      url: `${ctx.api}/repos/${repo}/issues/${issueNumber}`,
      html_url: html,
      id: id(`${repo}#${issueNumber}`),
      number: issueNumber,
      title: options.issue?.title ?? `Issue ${issueNumber}`,
      body: options.issue?.body ?? null,
      user: user(options.sender, ctx.web),
      state: 'open',
      ...(options.pullRequest
        ? { pull_request: { url: `${ctx.api}/repos/${repo}/pulls/${issueNumber}`, html_url: html } }
        : {}),
    },
    comment: {
      url: `${ctx.api}/repos/${repo}/issues/comments/${options.commentId}`,
      html_url: `${html}#issuecomment-${options.commentId}`,
      id: options.commentId,
      user: user(options.sender, ctx.web),
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      author_association: 'CONTRIBUTOR',
      body,
    },
    ...envelope(repo, options.sender, ctx),
  };
}

export function checkRunPayload(
  run: FakeCheckRun,
  runBody: Record<string, unknown>,
  options: {
    action: 'rerequested' | 'requested_action';
    identifier?: string;
    sender: string;
    pullRequest?: number;
    headBranch?: string;
  },
  ctx: WebhookContext,
) {
  return {
    action: options.action,
    check_run: {
      ...runBody,
      check_suite: {
        id: 1,
        head_branch: options.headBranch ?? null,
        head_sha: run.headSha,
        status: run.status,
        conclusion: run.conclusion,
      },
      pull_requests:
        options.pullRequest !== undefined
          ? [
              {
                number: options.pullRequest,
                url: `${ctx.api}/repos/${run.repo}/pulls/${options.pullRequest}`,
                head: { sha: run.headSha },
                base: { ref: 'main' },
              },
            ]
          : [],
    },
    ...(options.action === 'requested_action' ? { requested_action: { identifier: options.identifier ?? '' } } : {}),
    ...envelope(run.repo, options.sender, ctx),
  };
}
