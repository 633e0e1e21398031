// The fake GitLab's projects with real git repositories: each project is a bare repository
// the fake creates in a directory of its own, cloned and pushed to over file:// (its
// `http_url_to_repo`). Forks are bare clones; merge requests opened through the API read
// their head from the source project's branch, as GitLab does, and keep their pipelines.
// Answers follow GitLab's REST API v4 (projects, fork, merge requests, MR pipelines).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FakeRequest, FakeResponse } from '@packflow/testing';
import {
  gitlabId,
  gitlabProjectBody,
  pipelinePayload,
  pushPayload,
  type FakePipelineJob,
  type GitlabWebhookContext,
  type PushedCommit,
} from './fake-gitlab.events.js';

const run = promisify(execFile);

export interface FakeGitlabProject {
  id: number;
  path: string;
  /** The bare repository. */
  dir: string;
  defaultBranch: string;
  forkedFrom: string | null;
}

export interface FakeApiMergeRequest {
  id: number;
  iid: number;
  /** Target project path. */
  project: string;
  sourceProject: string;
  sourceBranch: string;
  targetBranch: string;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  author: string;
  createdAt: string;
  updatedAt: string;
  /** Ids of the pipelines run for it through the API, oldest first. */
  pipelines: number[];
}

/** How a part of the fake adds a route to the server. */
export type FakeRoute = (
  method: string,
  pattern: string,
  handler: (r: FakeRequest) => FakeResponse | Promise<FakeResponse>,
) => void;

interface Helpers {
  route: FakeRoute;
  json(status: number, body: unknown): FakeResponse;
  error(status: number, message: string): FakeResponse;
  authorized(r: FakeRequest): FakeResponse | undefined;
  page(r: FakeRequest, items: unknown[]): FakeResponse;
  ctx(): GitlabWebhookContext;
  botUser(): string;
  nextId(): number;
  /** A project's `permissions` for the request's caller. */
  permissions(r: FakeRequest, path: string): unknown;
  /** GET of a project without a git repository (one the fake only sent hooks for). */
  projectWithoutRepository(r: FakeRequest): FakeResponse;
}

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export interface FakeCommitComment {
  project: string;
  sha: string;
  note: string;
  author: string;
}

export class FakeGitlabProjects {
  readonly projects = new Map<string, FakeGitlabProject>();
  readonly commitComments: FakeCommitComment[] = [];
  readonly mergeRequests: FakeApiMergeRequest[] = [];
  private root?: string;

  constructor(private readonly h: Helpers) {
    this.routes();
  }

  /** Creates a project with an empty bare repository whose HEAD is `defaultBranch`. */
  async createProject(path: string, options: { defaultBranch?: string; forkedFrom?: string } = {}) {
    const key = path.toLowerCase();
    if (this.projects.has(key)) throw new Error(`fake GitLab already has a project ${path}`);
    this.root ??= await mkdtemp(join(tmpdir(), 'fake-gitlab-'));
    const dir = join(this.root, `${path}.git`);
    const defaultBranch = options.defaultBranch ?? 'main';
    if (options.forkedFrom) {
      await git(['clone', '--quiet', '--bare', this.get(options.forkedFrom)!.dir, dir]);
    } else {
      await git(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, dir]);
    }
    const project: FakeGitlabProject = {
      id: gitlabId(path),
      path,
      dir,
      defaultBranch,
      forkedFrom: options.forkedFrom ?? null,
    };
    this.projects.set(key, project);
    return project;
  }

  get(idOrPath: string): FakeGitlabProject | undefined {
    if (/^\d+$/.test(idOrPath)) return [...this.projects.values()].find((p) => String(p.id) === idOrPath);
    return this.projects.get(idOrPath.toLowerCase());
  }

  /** Where the project is cloned and pushed (what `http_url_to_repo` says). */
  cloneUrl(path: string): string {
    const project = this.get(path);
    if (!project) throw new Error(`fake GitLab has no project ${path}`);
    return `file://${project.dir}`;
  }

  /** The commit a branch points at, or undefined. */
  async branchHead(path: string, branch: string): Promise<string | undefined> {
    const project = this.get(path);
    if (!project) return undefined;
    try {
      return (await git(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], project.dir)).trim();
    } catch {
      return undefined;
    }
  }

  /** The commits `before..after` of a project, oldest first (what a Push Hook lists). */
  async commitsBetween(path: string, before: string, after: string): Promise<PushedCommit[]> {
    const project = this.get(path)!;
    const range = /^0+$/.test(before) ? [after] : [`${before}..${after}`];
    const out = await git(['log', '--reverse', '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e', ...range], project.dir);
    return out
      .split('\x1e')
      .map((r) => r.replace(/^\n/, ''))
      .filter(Boolean)
      .map((r) => {
        const [sha, name, email, timestamp, message] = r.split('\x1f');
        return { sha, author: { name, email }, timestamp, message };
      });
  }

  /** The body of a Push Hook for `before..after` of a branch, the commits read from the repository. */
  async pushHook(project: string, push: { branch: string; before: string; after: string; sender: string }) {
    const commits = await this.commitsBetween(project, push.before, push.after);
    return pushPayload(project, { ...push, commits }, this.h.ctx());
  }

  /** The body of a Pipeline Hook for a merge request pipeline of a merge request opened through the API. */
  async pipelineHook(
    project: string,
    iid: number,
    input: { status: string; sha?: string; id?: number; sender?: string; jobs?: FakePipelineJob[] },
  ) {
    const mr = this.mergeRequest(project, iid);
    if (!mr) throw new Error(`fake GitLab has no merge request ${project}!${iid} opened through the API`);
    const sha = input.sha ?? (await this.branchHead(mr.sourceProject, mr.sourceBranch));
    if (!sha) throw new Error(`${mr.sourceProject} has no branch ${mr.sourceBranch}`);
    const pipeline = {
      id: input.id ?? mr.pipelines.at(-1) ?? this.h.nextId(),
      sha,
      // A merge request pipeline's hook names the source branch as its ref (as GitLab's do).
      ref: mr.sourceBranch,
      status: input.status,
      source: 'merge_request_event',
      sender: input.sender ?? mr.author,
      mergeRequest: { ...mr, iid },
      jobs: input.jobs,
    };
    return pipelinePayload(project, pipeline, this.h.ctx());
  }

  mergeRequest(project: string, iid: number): FakeApiMergeRequest | undefined {
    return this.mergeRequests.find((m) => m.project.toLowerCase() === project.toLowerCase() && m.iid === iid);
  }

  async close(): Promise<void> {
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }

  private projectBody(p: FakeGitlabProject) {
    return {
      ...gitlabProjectBody(p.path, this.h.ctx()),
      path: p.path.split('/').pop(),
      default_branch: p.defaultBranch,
      http_url_to_repo: this.cloneUrl(p.path),
      ssh_url_to_repo: this.cloneUrl(p.path),
      forked_from_project: p.forkedFrom ? gitlabProjectBody(p.forkedFrom, this.h.ctx()) : undefined,
    };
  }

  private async mergeRequestBody(m: FakeApiMergeRequest) {
    const web = this.h.ctx().web;
    return {
      id: m.id,
      iid: m.iid,
      project_id: this.get(m.project)!.id,
      title: m.title,
      description: m.description,
      state: m.state,
      created_at: m.createdAt,
      updated_at: m.updatedAt,
      target_branch: m.targetBranch,
      source_branch: m.sourceBranch,
      source_project_id: this.get(m.sourceProject)!.id,
      target_project_id: this.get(m.project)!.id,
      author: { id: this.h.ctx().userId(m.author), username: m.author, name: m.author, state: 'active' },
      draft: false,
      merge_status: 'can_be_merged',
      detailed_merge_status: 'mergeable',
      sha: (await this.branchHead(m.sourceProject, m.sourceBranch)) ?? null,
      web_url: `${web}/${m.project}/-/merge_requests/${m.iid}`,
      references: { short: `!${m.iid}`, full: `${m.project}!${m.iid}` },
    };
  }

  private routes(): void {
    const { route, json, error, authorized } = this.h;
    const p = '/api/v4/projects/:project';
    const withProject =
      (handler: (r: FakeRequest, project: FakeGitlabProject) => FakeResponse | Promise<FakeResponse>) =>
      (r: FakeRequest) => {
        const denied = authorized(r);
        if (denied) return denied;
        const project = this.get(r.params.project);
        return project ? handler(r, project) : error(404, '404 Project Not Found');
      };
    route('GET', p, (r) => {
      if (!this.get(r.params.project)) return authorized(r) ?? this.h.projectWithoutRepository(r);
      return withProject((_r, project) =>
        json(200, { ...this.projectBody(project), permissions: this.h.permissions(r, project.path) }),
      )(r);
    });
    route(
      'POST',
      `${p}/fork`,
      withProject(async (r, project) => {
        const body = (r.body ?? {}) as Record<string, unknown>;
        const namespace = String(body.namespace_path ?? body.namespace ?? this.h.botUser());
        const path = `${namespace}/${String(body.path ?? project.path.split('/').pop())}`;
        if (this.get(path))
          return json(409, { message: { name: ['has already been taken'], path: ['has already been taken'] } });
        const fork = await this.createProject(path, { defaultBranch: project.defaultBranch, forkedFrom: project.path });
        return json(201, { ...this.projectBody(fork), import_status: 'finished' });
      }),
    );
    route(
      'POST',
      `${p}/repository/commits/:sha/comments`,
      withProject(async (r, project) => {
        const note = (r.body as { note?: unknown } | undefined)?.note;
        if (typeof note !== 'string' || !note) return error(400, 'note is missing');
        try {
          await git(['cat-file', '-e', `${r.params.sha}^{commit}`], project.dir);
        } catch {
          return error(404, '404 Commit Not Found');
        }
        const comment = { project: project.path, sha: r.params.sha, note, author: this.h.botUser() };
        this.commitComments.push(comment);
        const at = new Date().toISOString();
        return json(201, {
          note,
          path: null,
          line: null,
          line_type: null,
          author: { username: comment.author },
          created_at: at,
        });
      }),
    );
    route(
      'GET',
      `${p}/repository/commits/:sha/comments`,
      withProject((r, project) =>
        this.h.page(
          r,
          this.commitComments
            .filter((c) => c.project === project.path && c.sha === r.params.sha)
            .map((c) => ({ note: c.note, path: null, line: null, line_type: null, author: { username: c.author } })),
        ),
      ),
    );
    route(
      'GET',
      `${p}/merge_requests`,
      withProject(async (r, project) => {
        const state = r.query.get('state');
        const source = r.query.get('source_branch');
        const list = this.mergeRequests
          .filter((m) => m.project === project.path)
          .filter((m) => !state || state === 'all' || m.state === state)
          .filter((m) => !source || m.sourceBranch === source)
          .sort((a, b) => b.id - a.id);
        return this.h.page(r, await Promise.all(list.map((m) => this.mergeRequestBody(m))));
      }),
    );
    route(
      'GET',
      `${p}/merge_requests/:iid`,
      withProject(async (r, project) => {
        const m = this.mergeRequest(project.path, Number(r.params.iid));
        return m ? json(200, await this.mergeRequestBody(m)) : error(404, '404 Not found');
      }),
    );
    route(
      'POST',
      `${p}/merge_requests`,
      withProject(async (r, source) => this.createMergeRequest(r, source)),
    );
    route(
      'PUT',
      `${p}/merge_requests/:iid`,
      withProject(async (r, project) => {
        const m = this.mergeRequest(project.path, Number(r.params.iid));
        if (!m) return error(404, '404 Not found');
        const body = (r.body ?? {}) as Record<string, unknown>;
        if (typeof body.title === 'string') m.title = body.title;
        if (typeof body.description === 'string') m.description = body.description;
        // GitLab ignores a state event that does not apply (close a closed MR) and answers 200.
        if (body.state_event === 'close' && m.state === 'opened') m.state = 'closed';
        if (body.state_event === 'reopen' && m.state === 'closed') {
          const other = this.openFrom(m.sourceProject, m.sourceBranch, m.project, m.targetBranch);
          if (other)
            return error(409, `Another open merge request already exists for this source branch: !${other.iid}`);
          m.state = 'opened';
        }
        m.updatedAt = new Date().toISOString();
        return json(200, await this.mergeRequestBody(m));
      }),
    );
    route(
      'POST',
      `${p}/merge_requests/:iid/pipelines`,
      withProject(async (r, project) => {
        const m = this.mergeRequest(project.path, Number(r.params.iid));
        if (!m) return error(404, '404 Not found');
        const id = this.h.nextId();
        m.pipelines.push(id);
        const sha = await this.branchHead(m.sourceProject, m.sourceBranch);
        return json(201, {
          id,
          iid: m.pipelines.length,
          project_id: project.id,
          sha,
          ref: `refs/merge-requests/${m.iid}/head`,
          status: 'created',
          source: 'merge_request_event',
          web_url: `${this.h.ctx().web}/${project.path}/-/pipelines/${id}`,
        });
      }),
    );
  }

  private openFrom(sourceProject: string, sourceBranch: string, project: string, targetBranch: string) {
    return this.mergeRequests.find(
      (m) =>
        m.state === 'opened' &&
        m.sourceProject === sourceProject &&
        m.sourceBranch === sourceBranch &&
        m.project === project &&
        m.targetBranch === targetBranch,
    );
  }

  /** POST merge_requests on the source project, as GitLab validates it. */
  private async createMergeRequest(r: FakeRequest, source: FakeGitlabProject): Promise<FakeResponse> {
    const { json, error } = this.h;
    const body = (r.body ?? {}) as Record<string, unknown>;
    for (const key of ['source_branch', 'target_branch', 'title'])
      if (typeof body[key] !== 'string' || !body[key]) return error(400, `${key} is missing`);
    const target =
      body.target_project_id !== undefined ? this.get(String(body.target_project_id)) : (source as FakeGitlabProject);
    if (!target) return error(404, '404 Project Not Found');
    if (target !== source && source.forkedFrom !== target.path)
      return error(400, 'target_project_id must be the source project or the project it was forked from');
    const sourceBranch = String(body.source_branch);
    const targetBranch = String(body.target_branch);
    if (!(await this.branchHead(source.path, sourceBranch)))
      return json(422, { message: ['Source branch does not exist'] });
    if (!(await this.branchHead(target.path, targetBranch)))
      return json(422, { message: ['Target branch does not exist'] });
    const other = this.openFrom(source.path, sourceBranch, target.path, targetBranch);
    if (other)
      return json(409, {
        message: [`Another open merge request already exists for this source branch: !${other.iid}`],
      });
    const now = new Date().toISOString();
    const m: FakeApiMergeRequest = {
      id: this.h.nextId(),
      iid: this.mergeRequests.filter((x) => x.project === target.path).length + 1,
      project: target.path,
      sourceProject: source.path,
      sourceBranch,
      targetBranch,
      title: String(body.title),
      description: typeof body.description === 'string' ? body.description : '',
      state: 'opened',
      author: this.h.botUser(),
      createdAt: now,
      updatedAt: now,
      pipelines: [],
    };
    this.mergeRequests.push(m);
    return json(201, await this.mergeRequestBody(m));
  }
}
