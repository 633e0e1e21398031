// GitLab through @gitbeaker/rest with a token: commit statuses (named like GitHub check
// runs), merge request and issue notes, member access levels, repository files, the
// changes of a merge request or between commits, tags and the latest release; for the
// stream ecosystem also projects and forks, merge requests (find, open, edit, close,
// reopen) and merge request pipelines.
import {
  Commits,
  IssueNotes,
  MergeRequestNotes,
  MergeRequests,
  ProjectMembers,
  ProjectReleases,
  Projects,
  Repositories,
  RepositoryFiles,
  Tags,
  Users,
} from '@gitbeaker/rest';
import type { ExternalServiceError } from '@packflow/core';
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
import { HttpFailure, networkFailure, toServiceError } from '@packflow/clients';
import { singleAttemptRequester } from './gitlab.requester.js';
import {
  changedPaths,
  mergeRequestOf,
  projectOf,
  statusOf,
  type CommitStatus,
  type CommitStatusInput,
  type DiffBody,
  type GitlabStatusState,
  type StatusBody,
  type GitlabMergeRequest,
  type GitlabNote,
  type GitlabProject,
  type MergeRequestBody,
  type NewMergeRequest,
  type NoteBody,
  type ProjectBody,
} from './gitlab.types.js';

export type {
  CommitStatus,
  CommitStatusInput,
  GitlabMergeRequest,
  GitlabNote,
  GitlabProject,
  GitlabStatusState,
  NewMergeRequest,
} from './gitlab.types.js';

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
  private readonly projects: InstanceType<typeof Projects>;
  private readonly tags: InstanceType<typeof Tags>;
  private readonly releases: InstanceType<typeof ProjectReleases>;

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
    this.projects = new Projects(config);
    this.tags = new Tags(config);
    this.releases = new ProjectReleases(config);
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
      return statusOf(data as unknown as StatusBody);
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
      return latest ? statusOf(latest) : undefined;
    } catch (error) {
      throw this.error(error, `list commit statuses "${name}" of ${project}@${sha.slice(0, 12)}`);
    }
  }

  /** One call per status: GitLab looks nothing up first. */
  reportStatuses(repo: RepoId, reports: StatusReport[]): Promise<PromiseSettledResult<ReportedStatus>[]> {
    return reportEach(this, repo, reports);
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
    return this.unlessMissing(`read ${path} at ${ref} in ${project}`, async () => {
      const content = (await this.files.showRaw(project, path, ref)) as unknown;
      if (typeof content === 'string') return content;
      if (content instanceof Blob) return await content.text();
      return content === null || content === undefined ? '' : JSON.stringify(content);
    });
  }

  async changedFiles(repo: RepoId, range: ChangeRange): Promise<string[]> {
    const project = fullName(repo);
    if ('pullRequest' in range) {
      try {
        const diffs = (await this.mergeRequests.allDiffs(project, range.pullRequest, {
          perPage: 100,
        })) as unknown as DiffBody[];
        return changedPaths(diffs);
      } catch (error) {
        throw this.error(error, `list the changes of merge request ${project}!${range.pullRequest}`);
      }
    }
    try {
      const compare = (await this.repositories.compare(project, range.base, range.head)) as unknown as {
        diffs?: DiffBody[];
      };
      return changedPaths(compare.diffs ?? []);
    } catch (error) {
      throw this.error(error, `compare ${range.base.slice(0, 12)}...${range.head.slice(0, 12)} in ${project}`);
    }
  }

  /** The commit a tag points at (GitLab's tag `commit` is the commit an annotated tag peels to); undefined without the tag. */
  async tagCommit(repo: RepoId, tag: string): Promise<string | undefined> {
    const project = fullName(repo);
    return this.unlessMissing(
      `find the commit of tag ${tag} in ${project}`,
      async () => ((await this.tags.show(project, tag)) as unknown as { commit: { id: string } }).commit.id,
    );
  }

  /**
   * The tag of the latest release: GitLab's permanent link to it (a redirect to the
   * release newest by `released_at`); undefined when the project has no release.
   */
  async latestReleaseTag(repo: RepoId): Promise<string | undefined> {
    const project = fullName(repo);
    return this.unlessMissing(
      `find the latest release of ${project}`,
      async () => ((await this.releases.showLatest(project)) as unknown as { tag_name: string }).tag_name,
    );
  }

  /** A project by path; undefined when GitLab has none (or the token may not see it). */
  async project(repo: RepoId): Promise<GitlabProject | undefined> {
    const path = fullName(repo);
    return this.unlessMissing(`read the project ${path}`, async () =>
      projectOf((await this.projects.show(path)) as unknown as ProjectBody),
    );
  }

  /**
   * Whether this token may act on a project: GitLab shows it the project (a private one
   * only to members: 404 otherwise) with Developer access or more (what commit statuses
   * need). Where several deployments have tokens on one instance, the one whose token the
   * project lets in is the one that acts.
   */
  async canAct(repo: RepoId): Promise<boolean> {
    const path = fullName(repo);
    try {
      const body = (await this.projects.show(path)) as unknown as {
        permissions?: Record<string, { access_level?: number } | null> | null;
      };
      const levels = Object.values(body.permissions ?? {}).map((p) => p?.access_level ?? 0);
      return Math.max(0, ...levels) >= COMMAND_ACCESS_LEVEL;
    } catch (error) {
      if (error instanceof HttpFailure && (error.status === 404 || error.status === 403)) return false;
      throw this.error(error, `read the project ${path}`);
    }
  }

  /** Forks a project into a namespace (the token's user's, by default). */
  async forkProject(repo: RepoId, namespacePath?: string): Promise<GitlabProject> {
    const path = fullName(repo);
    try {
      const body = await this.projects.fork(path, namespacePath ? { namespacePath } : {});
      return projectOf(body as unknown as ProjectBody);
    } catch (error) {
      throw this.error(error, `fork ${path}${namespacePath ? ` into ${namespacePath}` : ''}`);
    }
  }

  /** Merge requests of a target project from a source branch (of any project unless `sourceProjectId`). */
  async findMergeRequests(
    repo: RepoId,
    query: { sourceBranch: string; sourceProjectId?: number; state?: 'opened' | 'closed' | 'merged' | 'all' },
  ): Promise<GitlabMergeRequest[]> {
    const path = fullName(repo);
    try {
      const list = (await this.mergeRequests.all({
        projectId: path,
        sourceBranch: query.sourceBranch,
        state: query.state && query.state !== 'all' ? query.state : undefined,
        perPage: 100,
      })) as unknown as MergeRequestBody[];
      return list
        .map(mergeRequestOf)
        .filter((mr) => query.sourceProjectId === undefined || mr.sourceProjectId === query.sourceProjectId);
    } catch (error) {
      throw this.error(error, `list the merge requests of ${path} from ${query.sourceBranch}`);
    }
  }

  async mergeRequest(repo: RepoId, iid: number): Promise<GitlabMergeRequest> {
    const path = fullName(repo);
    try {
      return mergeRequestOf((await this.mergeRequests.show(path, iid)) as unknown as MergeRequestBody);
    } catch (error) {
      throw this.error(error, `read merge request ${path}!${iid}`);
    }
  }

  /** Opens a merge request from a branch of `repo` (a fork: give `targetProjectId`). */
  async createMergeRequest(repo: RepoId, input: NewMergeRequest): Promise<GitlabMergeRequest> {
    const path = fullName(repo);
    try {
      const body = await this.mergeRequests.create(path, input.sourceBranch, input.targetBranch, input.title, {
        ...(input.targetProjectId !== undefined ? { targetProjectId: input.targetProjectId } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      });
      return mergeRequestOf(body as unknown as MergeRequestBody);
    } catch (error) {
      throw this.error(error, `open a merge request from ${path}:${input.sourceBranch} to ${input.targetBranch}`);
    }
  }

  /** Edits a merge request: title, description, or `close` / `reopen`. */
  async updateMergeRequest(
    repo: RepoId,
    iid: number,
    changes: { title?: string; description?: string; stateEvent?: 'close' | 'reopen' },
  ): Promise<GitlabMergeRequest> {
    const path = fullName(repo);
    try {
      const body = await this.mergeRequests.edit(path, iid, {
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.description !== undefined ? { description: changes.description } : {}),
        ...(changes.stateEvent ? { stateEvent: changes.stateEvent } : {}),
      });
      return mergeRequestOf(body as unknown as MergeRequestBody);
    } catch (error) {
      throw this.error(error, `${changes.stateEvent ?? 'edit'} merge request ${path}!${iid}`);
    }
  }

  /** The notes of a merge request (system notes included: `system` says which). */
  async findComment(repo: RepoId, target: CommentTarget, marker: string): Promise<PostedComment | undefined> {
    const path = fullName(repo);
    const mr = 'pullRequest' in target;
    const iid = mr ? target.pullRequest : target.issue;
    try {
      const notes = (mr
        ? await this.mrNotes.all(path, iid, { perPage: 100 })
        : await this.issueNotes.all(path, iid, { perPage: 100 })) as unknown as NoteBody[];
      // GitLab lists notes newest first.
      const found = notes.find((n) => n.body.includes(marker));
      return found && { id: String(found.id), url: null };
    } catch (error) {
      throw this.error(error, `list the notes of ${mr ? 'merge request' : 'issue'} ${path}${mr ? '!' : '#'}${iid}`);
    }
  }

  async mergeRequestNotes(repo: RepoId, iid: number): Promise<GitlabNote[]> {
    const path = fullName(repo);
    try {
      const list = (await this.mrNotes.all(path, iid, { perPage: 100 })) as unknown as NoteBody[];
      return list.map((n) => ({
        id: String(n.id),
        body: n.body,
        author: n.author?.username ?? null,
        system: n.system ?? false,
      }));
    } catch (error) {
      throw this.error(error, `list the notes of merge request ${path}!${iid}`);
    }
  }

  /** A comment on a commit (GitLab's commit comments: shown on the commit's page). */
  async commitComment(repo: RepoId, sha: string, note: string): Promise<void> {
    const path = fullName(repo);
    try {
      await this.commits.createComment(path, sha, note);
    } catch (error) {
      throw this.error(error, `comment on commit ${path}@${sha.slice(0, 12)}`);
    }
  }

  /** The comments on a commit (their text), oldest first. */
  async commitComments(repo: RepoId, sha: string): Promise<string[]> {
    const path = fullName(repo);
    try {
      const list = (await this.commits.allComments(path, sha)) as unknown as { note: string }[];
      return list.map((c) => c.note);
    } catch (error) {
      throw this.error(error, `list the comments of commit ${path}@${sha.slice(0, 12)}`);
    }
  }

  /** Runs the merge request's CI again: a new merge request pipeline. */
  async createMergeRequestPipeline(repo: RepoId, iid: number): Promise<{ id: string; status: string }> {
    const path = fullName(repo);
    try {
      const body = (await this.mergeRequests.createPipeline(path, iid)) as unknown as { id: number; status: string };
      return { id: String(body.id), status: body.status };
    } catch (error) {
      throw this.error(error, `run a pipeline for merge request ${path}!${iid}`);
    }
  }

  private async userId(username: string): Promise<number | undefined> {
    const users = (await this.users.all({ username })) as unknown as { id: number; username: string }[];
    return users.find((u) => u.username.toLowerCase() === username.toLowerCase())?.id;
  }

  /** A read's answer; undefined when GitLab answers 404 (no such thing, or not visible to the token). */
  private async unlessMissing<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof HttpFailure && error.status === 404) return undefined;
      throw this.error(error, what);
    }
  }

  private error(error: unknown, what: string): ExternalServiceError {
    const failure = error instanceof HttpFailure ? error : networkFailure(error);
    return toServiceError(failure, { service: 'gitlab', what, secrets: [this.options.token] });
  }
}

function permissionOf(accessLevel: number): Permission {
  const role = ROLE_NAMES.find(([level]) => accessLevel >= level)?.[1] ?? 'none';
  return { role, accessLevel, canRunCommands: accessLevel >= COMMAND_ACCESS_LEVEL };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
