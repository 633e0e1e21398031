// GitLab through @gitbeaker/rest with a token: commit statuses (named like GitHub check
// runs), merge request and issue notes, member access levels, repository files and the
// changes of a merge request or between commits.
import {
  Commits,
  IssueNotes,
  MergeRequestNotes,
  MergeRequests,
  ProjectMembers,
  Repositories,
  RepositoryFiles,
  Users,
} from '@gitbeaker/rest';
import type { ExternalServiceError } from '@packflow/core';
import {
  ACCESS_LEVELS,
  COMMAND_ACCESS_LEVEL,
  fullName,
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
import { HttpFailure, networkFailure, toServiceError } from '@packflow/clients';
import { singleAttemptRequester } from './gitlab.requester.js';

export type GitlabStatusState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

export interface CommitStatusInput {
  state: GitlabStatusState;
  name: string;
  targetUrl?: string;
  /** One line; GitLab keeps 255 characters. */
  description?: string;
  ref?: string;
}

export interface CommitStatus {
  id: string;
  name: string;
  status: string;
  sha: string;
  ref: string | null;
  targetUrl: string | null;
  description: string | null;
}

export interface GitlabForgeOptions {
  /** The instance, e.g. `https://gitlab.com`. */
  host: string;
  /** A personal, project or group access token with `api` scope. */
  token: string;
  timeoutMs?: number;
}

const STATES: Record<ReportState, GitlabStatusState> = {
  queued: 'pending',
  running: 'running',
  success: 'success',
  failure: 'failed',
  error: 'failed',
  cancelled: 'canceled',
  // GitLab has no neutral/skipped commit status: a skipped target must not look green.
  skipped: 'canceled',
  neutral: 'success',
};

const ROLE_NAMES: [number, string][] = [
  [ACCESS_LEVELS.owner, 'owner'],
  [ACCESS_LEVELS.maintainer, 'maintainer'],
  [ACCESS_LEVELS.developer, 'developer'],
  [ACCESS_LEVELS.reporter, 'reporter'],
  [ACCESS_LEVELS.guest, 'guest'],
  [ACCESS_LEVELS.minimal, 'minimal'],
];

export class GitlabForge implements ForgeClient {
  readonly forge = 'gitlab' as const;
  private readonly commits: InstanceType<typeof Commits>;
  private readonly mrNotes: InstanceType<typeof MergeRequestNotes>;
  private readonly issueNotes: InstanceType<typeof IssueNotes>;
  private readonly members: InstanceType<typeof ProjectMembers>;
  private readonly users: InstanceType<typeof Users>;
  private readonly files: InstanceType<typeof RepositoryFiles>;
  private readonly mergeRequests: InstanceType<typeof MergeRequests>;
  private readonly repositories: InstanceType<typeof Repositories>;

  constructor(private readonly options: GitlabForgeOptions) {
    const config = {
      host: options.host.replace(/\/+$/, ''),
      token: options.token,
      requesterFn: singleAttemptRequester,
      queryTimeout: options.timeoutMs ?? 30_000,
    };
    this.commits = new Commits(config);
    this.mrNotes = new MergeRequestNotes(config);
    this.issueNotes = new IssueNotes(config);
    this.members = new ProjectMembers(config);
    this.users = new Users(config);
    this.files = new RepositoryFiles(config);
    this.mergeRequests = new MergeRequests(config);
    this.repositories = new Repositories(config);
  }

  /**
   * Sets a commit status. GitLab refuses to set the state a status already has ("Cannot
   * transition status via :run from :running"); that answer means it is already so, and
   * the existing status is returned.
   */
  async setCommitStatus(repo: RepoId, sha: string, input: CommitStatusInput): Promise<CommitStatus> {
    const project = fullName(repo);
    const what = `set commit status "${input.name}" to ${input.state} on ${project}@${sha.slice(0, 12)}`;
    try {
      const data = await this.commits.editStatus(project, sha, input.state, {
        name: input.name,
        ...(input.ref ? { ref: input.ref } : {}),
        ...(input.targetUrl ? { targetUrl: input.targetUrl } : {}),
        ...(input.description !== undefined ? { description: clip(input.description, 255) } : {}),
      });
      return status(data as unknown as StatusBody);
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 400 && /cannot transition status/i.test(error.detail)) {
        const existing = await this.findCommitStatus(repo, sha, input.name, input.ref);
        if (existing) return existing;
      }
      throw this.error(error, what);
    }
  }

  async findCommitStatus(repo: RepoId, sha: string, name: string, ref?: string): Promise<CommitStatus | undefined> {
    const project = fullName(repo);
    try {
      const list = (await this.commits.allStatuses(project, sha, {
        name,
        ...(ref ? { ref } : {}),
        all: true,
      })) as unknown as StatusBody[];
      const latest = list.filter((s) => s.name === name).sort((a, b) => b.id - a.id)[0];
      return latest ? status(latest) : undefined;
    } catch (error) {
      throw this.error(error, `list commit statuses "${name}" of ${project}@${sha.slice(0, 12)}`);
    }
  }

  async reportStatus(repo: RepoId, report: StatusReport): Promise<ReportedStatus> {
    const result = await this.setCommitStatus(repo, report.sha, {
      state: STATES[report.state],
      name: report.name,
      targetUrl: report.detailsUrl,
      description: report.title,
      ref: report.ref,
    });
    return { id: result.id, url: result.targetUrl };
  }

  async comment(repo: RepoId, target: CommentTarget, body: string): Promise<PostedComment> {
    const project = fullName(repo);
    const mr = 'pullRequest' in target;
    const iid = mr ? target.pullRequest : target.issue;
    const what = `comment on ${mr ? 'merge request' : 'issue'} ${project}${mr ? '!' : '#'}${iid}`;
    try {
      const note = (mr
        ? await this.mrNotes.create(project, iid, body)
        : await this.issueNotes.create(project, iid, body)) as unknown as { id: number };
      return { id: String(note.id), url: null };
    } catch (error) {
      throw this.error(error, what);
    }
  }

  async permission(repo: RepoId, user: ForgeUser): Promise<Permission> {
    const project = fullName(repo);
    const what = `read the access level of ${user.login} on ${project}`;
    try {
      const userId = user.id ?? (await this.userId(user.login));
      if (userId === undefined) return permissionOf(0);
      try {
        const member = (await this.members.show(project, userId, { includeInherited: true })) as unknown as {
          access_level: number;
        };
        return permissionOf(member.access_level ?? 0);
      } catch (error) {
        // Not a member (directly or through a group).
        if (error instanceof HttpFailure && error.status === 404) return permissionOf(0);
        throw error;
      }
    } catch (error) {
      throw this.error(error, what);
    }
  }

  async fileContent(repo: RepoId, path: string, ref: string): Promise<string | undefined> {
    const project = fullName(repo);
    try {
      const content = (await this.files.showRaw(project, path, ref)) as unknown;
      if (typeof content === 'string') return content;
      if (content instanceof Blob) return await content.text();
      return content === null || content === undefined ? '' : JSON.stringify(content);
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 404) return undefined;
      throw this.error(error, `read ${path} at ${ref} in ${project}`);
    }
  }

  async changedFiles(repo: RepoId, range: ChangeRange): Promise<string[]> {
    const project = fullName(repo);
    if ('pullRequest' in range) {
      try {
        const diffs = (await this.mergeRequests.allDiffs(project, range.pullRequest, {
          perPage: 100,
        })) as unknown as DiffBody[];
        return paths(diffs);
      } catch (error) {
        throw this.error(error, `list the changes of merge request ${project}!${range.pullRequest}`);
      }
    }
    try {
      const compare = (await this.repositories.compare(project, range.base, range.head)) as unknown as {
        diffs?: DiffBody[];
      };
      return paths(compare.diffs ?? []);
    } catch (error) {
      throw this.error(error, `compare ${range.base.slice(0, 12)}...${range.head.slice(0, 12)} in ${project}`);
    }
  }

  private async userId(username: string): Promise<number | undefined> {
    const users = (await this.users.all({ username })) as unknown as { id: number; username: string }[];
    return users.find((u) => u.username.toLowerCase() === username.toLowerCase())?.id;
  }

  private error(error: unknown, what: string): ExternalServiceError {
    const failure = error instanceof HttpFailure ? error : networkFailure(error);
    return toServiceError(failure, { service: 'gitlab', what, secrets: [this.options.token] });
  }
}

interface StatusBody {
  id: number;
  name: string;
  status: string;
  sha: string;
  ref?: string | null;
  target_url?: string | null;
  description?: string | null;
}

interface DiffBody {
  old_path?: string;
  new_path?: string;
}

function status(body: StatusBody): CommitStatus {
  return {
    id: String(body.id),
    name: body.name,
    status: body.status,
    sha: body.sha,
    ref: body.ref ?? null,
    targetUrl: body.target_url ?? null,
    description: body.description ?? null,
  };
}

function permissionOf(accessLevel: number): Permission {
  const role = ROLE_NAMES.find(([level]) => accessLevel >= level)?.[1] ?? 'none';
  return { role, accessLevel, canRunCommands: accessLevel >= COMMAND_ACCESS_LEVEL };
}

function paths(diffs: DiffBody[]): string[] {
  const out = new Set<string>();
  for (const d of diffs) {
    if (d.new_path) out.add(d.new_path);
    if (d.old_path) out.add(d.old_path);
  }
  return [...out];
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
