// Pagure (src.fedoraproject.org's dist-git) through its REST API v0 with an API token
// (`Authorization: token …`), form bodies as Pagure's API reads them: forks, pull requests
// opened from a fork (updated by pushing to the fork's branch), comments, flags on pull
// requests and commits (a stable uid per check name, so a new report updates the flag),
// contributors and group members for permissions, raw files. Pull requests and flags reach
// packflow as bus messages, parsed by @packflow/events' message parser.
import { createHash } from 'node:crypto';
import type { ExternalServiceError } from '@packflow/base';
import { HttpFailure, networkFailure, responseFailure, toServiceError, type FetchLike } from '@packflow/clients';
import {
  ACCESS_LEVELS,
  COMMAND_ACCESS_LEVEL,
  fullName,
  reportEach,
  type ChangeRange,
  type CommentTarget,
  type ForgeClient,
  type ForgeUser,
  type Permission,
  type PostedComment,
  type RepoId,
  type ReportState,
  type ReportedStatus,
  type StatusReport,
} from '../forge.types.js';

export interface PagureForgeOptions {
  /** `https://src.fedoraproject.org`. */
  instanceUrl: string;
  /** An API token with the ACLs for the calls made (fork, pull requests, comments, flags). */
  token: string;
  /** The name flags are set under (`Packit`); default: the token's user. */
  flagUsername?: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

export type PagureFlagStatus = 'success' | 'failure' | 'error' | 'pending' | 'canceled';

export interface PagureUser {
  name: string;
  fullname?: string;
}

export interface PagurePullRequest {
  id: number;
  uid: string;
  title: string;
  status: 'Open' | 'Merged' | 'Closed';
  branch: string;
  branch_from: string;
  commit_start: string | null;
  commit_stop: string | null;
  initial_comment: string | null;
  full_url: string;
  user: PagureUser;
  project: { fullname: string; namespace: string | null; name: string };
  repo_from: { fullname: string; namespace: string | null; name: string; user: PagureUser } | null;
  [key: string]: unknown;
}

export interface PagureFlag {
  uid: string;
  status: PagureFlagStatus;
  comment: string;
  url: string;
  username: string;
  percent: number | null;
  commit_hash?: string;
}

export interface NewPullRequest {
  title: string;
  body: string;
  /** Branch of the project the change goes into (`rawhide`, `f41`). */
  targetBranch: string;
  /** Branch of the fork that holds the change. */
  sourceBranch: string;
  /** Owner of the fork (the token's user for packflow's own forks). */
  forkOwner: string;
}

const FLAG_STATES: Record<ReportState, PagureFlagStatus> = {
  queued: 'pending',
  running: 'pending',
  success: 'success',
  failure: 'failure',
  error: 'error',
  cancelled: 'canceled',
  // Pagure has no neutral flag; a skipped target must not look green.
  skipped: 'canceled',
  neutral: 'success',
};

/** Pagure's ACL levels, highest first, and what they are in packflow's access levels. */
const ROLES: [string, number][] = [
  ['owner', ACCESS_LEVELS.owner],
  ['admin', ACCESS_LEVELS.maintainer],
  ['commit', ACCESS_LEVELS.developer],
  ['collaborator', ACCESS_LEVELS.developer],
  ['ticket', ACCESS_LEVELS.reporter],
];

type Form = Record<string, string | number | boolean | undefined>;

export class PagureForge implements ForgeClient {
  readonly forge = 'pagure' as const;
  private readonly base: string;
  private readonly fetchFn: FetchLike;
  private user: string | undefined;

  constructor(private readonly options: PagureForgeOptions) {
    this.base = options.instanceUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The token's user. */
  async whoami(): Promise<string> {
    if (!this.user) {
      const answer = await this.call<{ username: string }>('POST', '-/whoami', 'find the token user', {});
      this.user = answer.username;
    }
    return this.user;
  }

  async project(repo: RepoId): Promise<Record<string, unknown> | undefined> {
    return this.request('GET', fullName(repo), `get project ${fullName(repo)}`, undefined, [404]);
  }

  /**
   * The token user's fork of a project, made when missing (Pagure answers "already exists"
   * for a second fork, which is what was wanted). Returns the fork's owner.
   */
  async ensureFork(repo: RepoId): Promise<string> {
    const user = await this.whoami();
    const existing = await this.request(
      'GET',
      `fork/${user}/${fullName(repo)}`,
      `get fork of ${fullName(repo)}`,
      undefined,
      [404],
    );
    if (!existing)
      await this.call('POST', 'fork', `fork ${fullName(repo)}`, {
        repo: repo.repo,
        namespace: repo.namespace,
        wait: true,
      });
    return user;
  }

  async pullRequests(
    repo: RepoId,
    filter: { status?: 'Open' | 'Merged' | 'Closed' | 'all'; author?: string } = {},
  ): Promise<PagurePullRequest[]> {
    const query = new URLSearchParams({ status: filter.status ?? 'Open', per_page: '100' });
    if (filter.author) query.set('author', filter.author);
    const answer = await this.call<{ requests: PagurePullRequest[] }>(
      'GET',
      `${fullName(repo)}/pull-requests?${query}`,
      `list pull requests of ${fullName(repo)}`,
    );
    return answer.requests;
  }

  async pullRequest(repo: RepoId, id: number): Promise<PagurePullRequest | undefined> {
    return this.request(
      'GET',
      `${fullName(repo)}/pull-request/${id}`,
      `get pull request ${fullName(repo)}#${id}`,
      undefined,
      [404],
    );
  }

  /** Opens a pull request from a fork's branch into the project's branch. */
  async createPullRequest(repo: RepoId, pr: NewPullRequest): Promise<PagurePullRequest> {
    return this.call('POST', `${fullName(repo)}/pull-request/new`, `open a pull request on ${fullName(repo)}`, {
      title: pr.title,
      initial_comment: pr.body,
      branch_to: pr.targetBranch,
      branch_from: pr.sourceBranch,
      repo_from: repo.repo,
      repo_from_namespace: repo.namespace,
      repo_from_username: pr.forkOwner,
    });
  }

  /** Changes a pull request's title and description (its commits change by pushing to its branch). */
  async updatePullRequest(
    repo: RepoId,
    id: number,
    change: { title: string; body: string },
  ): Promise<PagurePullRequest> {
    return this.call('POST', `${fullName(repo)}/pull-request/${id}`, `update pull request ${fullName(repo)}#${id}`, {
      title: change.title,
      initial_comment: change.body,
    });
  }

  async comment(repo: RepoId, target: CommentTarget, body: string): Promise<PostedComment> {
    const [kind, id] = 'pullRequest' in target ? ['pull-request', target.pullRequest] : ['issue', target.issue];
    await this.call('POST', `${fullName(repo)}/${kind}/${id}/comment`, `comment on ${fullName(repo)} ${kind} ${id}`, {
      comment: body,
    });
    // Pagure answers only "Comment added"; the comment's page is the request's.
    return { id: `${kind}/${id}`, url: `${this.base}/${fullName(repo)}/${kind}/${id}` };
  }

  async findComment(repo: RepoId, target: CommentTarget, marker: string): Promise<PostedComment | undefined> {
    const [kind, id] = 'pullRequest' in target ? ['pull-request', target.pullRequest] : ['issue', target.issue];
    const found = await this.request<{ comments?: { id: number; comment: string }[] }>(
      'GET',
      `${fullName(repo)}/${kind}/${id}`,
      `get ${kind} ${fullName(repo)}#${id}`,
      undefined,
      [404],
    );
    const comment = found?.comments?.filter((c) => c.comment.includes(marker)).pop();
    return (
      comment && { id: String(comment.id), url: `${this.base}/${fullName(repo)}/${kind}/${id}#comment-${comment.id}` }
    );
  }

  /** Sets (or, with the same uid, updates) a flag on a pull request. */
  async setPullRequestFlag(
    repo: RepoId,
    id: number,
    flag: { name: string; status: PagureFlagStatus; comment: string; url?: string },
  ): Promise<PagureFlag> {
    return this.flag(`${fullName(repo)}/pull-request/${id}/flag`, `flag pull request ${fullName(repo)}#${id}`, flag);
  }

  /** One flag per status: Pagure looks nothing up first. */
  reportStatuses(repo: RepoId, reports: StatusReport[]): Promise<PromiseSettledResult<ReportedStatus>[]> {
    return reportEach(this, repo, reports);
  }

  /** A check's report as a flag on its commit (Pagure shows a pull request's head commit flags on it). */
  async reportStatus(repo: RepoId, report: StatusReport): Promise<ReportedStatus> {
    const flag = await this.flag(
      `${fullName(repo)}/c/${report.sha}/flag`,
      `flag commit ${report.sha.slice(0, 12)} of ${fullName(repo)} "${report.name}"`,
      {
        name: report.name,
        status: FLAG_STATES[report.state],
        comment: report.title,
        url: report.detailsUrl,
      },
    );
    return { id: flag.uid, url: flag.url || null };
  }

  async permission(repo: RepoId, user: ForgeUser): Promise<Permission> {
    const contributors = await this.call<{ users: Record<string, string[]>; groups: Record<string, string[]> }>(
      'GET',
      `${fullName(repo)}/contributors`,
      `list contributors of ${fullName(repo)}`,
    );
    let best: [string, number] = ['none', ACCESS_LEVELS.none];
    const consider = (role: string) => {
      const level = ROLES.find(([r]) => r === role)?.[1] ?? ACCESS_LEVELS.none;
      if (level > best[1]) best = [role, level];
    };
    for (const [role, users] of Object.entries(contributors.users ?? {}))
      if (users.includes(user.login)) consider(role);
    for (const [role, groups] of Object.entries(contributors.groups ?? {})) {
      const level = ROLES.find(([r]) => r === role)?.[1] ?? 0;
      if (level <= best[1]) continue;
      for (const group of groups) {
        if ((await this.groupMembers(group)).includes(user.login)) {
          consider(role);
          break;
        }
      }
    }
    return { role: best[0], accessLevel: best[1], canRunCommands: best[1] >= COMMAND_ACCESS_LEVEL };
  }

  /** The members of a group (`packager`, a project's group); empty when there is no such group. */
  async groupMembers(group: string): Promise<string[]> {
    const info = await this.request<{ members: string[] }>(
      'GET',
      `group/${encodeURIComponent(group)}?projects=false`,
      `list members of group ${group}`,
      undefined,
      [404],
    );
    return info?.members ?? [];
  }

  /** A commit's parents (Pagure's commit info), undefined when the project has no such commit. */
  async commitParents(repo: RepoId, sha: string): Promise<string[] | undefined> {
    const info = await this.request<{ parent_ids: string[] }>(
      'GET',
      `${fullName(repo)}/c/${encodeURIComponent(sha)}/info`,
      `get commit ${sha.slice(0, 12)} of ${fullName(repo)}`,
      undefined,
      [404],
    );
    return info?.parent_ids;
  }

  /**
   * The merged pull request a pushed commit came from: the one whose head commit it is
   * (merged by fast-forward), or whose head is a parent of it (a merge commit); undefined
   * for a direct push. Pagure's pull request list is the only way to ask, as Packit does.
   */
  async mergedPullRequestOf(repo: RepoId, sha: string): Promise<PagurePullRequest | undefined> {
    const merged = await this.pullRequests(repo, { status: 'Merged' });
    const head = merged.find((pr) => pr.commit_stop === sha);
    if (head) return head;
    const parents = await this.commitParents(repo, sha);
    if (!parents || parents.length < 2) return undefined;
    return merged.find((pr) => pr.commit_stop !== null && parents.slice(1).includes(pr.commit_stop));
  }

  async fileContent(repo: RepoId, path: string, ref: string): Promise<string | undefined> {
    const url = `${this.base}/${fullName(repo)}/raw/${encodeURIComponent(ref)}/f/${path.split('/').map(encodeURIComponent).join('/')}`;
    const response = await this.send(`read ${path} at ${ref} of ${fullName(repo)}`, url, { method: 'GET' }, [404]);
    return response.status === 404 ? undefined : response.text();
  }

  async changedFiles(repo: RepoId, range: ChangeRange): Promise<string[]> {
    if (!('pullRequest' in range))
      throw this.fail(
        `list changed files of ${fullName(repo)}`,
        new HttpFailure(501, {}, 'Pagure has no API for the files changed between two commits'),
      );
    const stats = await this.call<Record<string, { old_path?: string | null }>>(
      'GET',
      `${fullName(repo)}/pull-request/${range.pullRequest}/diffstats`,
      `list changed files of ${fullName(repo)}#${range.pullRequest}`,
    );
    const paths = new Set<string>();
    for (const [path, stat] of Object.entries(stats)) {
      paths.add(path);
      if (stat?.old_path) paths.add(stat.old_path);
    }
    return [...paths];
  }

  // ---- HTTP ----

  private async flag(
    path: string,
    what: string,
    flag: { name: string; status: PagureFlagStatus; comment: string; url?: string },
  ): Promise<PagureFlag> {
    const answer = await this.call<{ flag: PagureFlag; uid: string }>('POST', path, what, {
      username: this.options.flagUsername ?? (await this.whoami()),
      status: flag.status,
      comment: flag.comment.slice(0, 255),
      url: flag.url ?? `${this.base}`,
      uid: flagUid(flag.name),
    });
    return { ...answer.flag, uid: answer.uid };
  }

  private async call<T>(method: 'GET' | 'POST', path: string, what: string, form?: Form): Promise<T> {
    return (await this.request<T>(method, path, what, form)) as T;
  }

  private async request<T>(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    form?: Form,
    absentOn: number[] = [],
  ): Promise<T | undefined> {
    const body = form
      ? new URLSearchParams(
          Object.entries(form).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]])),
        ).toString()
      : undefined;
    const response = await this.send(
      what,
      `${this.base}/api/0/${path}`,
      {
        method,
        headers: { ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      },
      absentOn,
    );
    if (absentOn.includes(response.status)) return undefined;
    return (await response.json()) as T;
  }

  private async send(what: string, url: string, init: RequestInit, absentOn: number[]): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchFn(url, {
        ...init,
        headers: {
          accept: 'application/json',
          authorization: `token ${this.options.token}`,
          ...(init.headers as Record<string, string>),
        },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw this.fail(what, networkFailure(error));
    }
    if (response.ok || absentOn.includes(response.status)) return response;
    throw this.fail(what, await responseFailure(response));
  }

  private fail(what: string, failure: HttpFailure): ExternalServiceError {
    return toServiceError(failure, { service: 'pagure', what, secrets: [this.options.token] });
  }
}

/** A flag's uid (Pagure keeps at most 32 characters): the same check name, the same flag. */
export function flagUid(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 32);
}
