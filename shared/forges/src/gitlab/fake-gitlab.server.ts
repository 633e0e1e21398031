// A stateful fake of the GitLab REST API v4, reached through @gitbeaker/rest by `host`:
// commit statuses (with GitLab's transition rules and their history), merge request and
// issue notes, users and member access levels, repository files, merge request diffs and
// compares. Projects are named by path (`group/project`, URL-encoded as GitLab wants).
// Projects with real git repositories, forks and merge requests opened through the API
// are in fake-gitlab.projects.ts, tags and releases in fake-gitlab.releases.ts; the webhooks it sends in fake-gitlab.webhooks.ts, the
// shapes of its answers in fake-gitlab.bodies.ts.
//
// Identities: the fake accepts its token (`options.token`, user `botUser`) and any added
// with `addToken`. Every token may do everything on a project, unless the project is made
// private (`restrictProject`): then, as GitLab answers, a token whose user is no member
// gets 404 for the project and everything in it, and a member below Developer gets 403
// when it writes (commit statuses).
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '@packflow/testing/fakes';
import { FakeOAuthProvider } from '../fake-oauth.provider.js';
import { COMMAND_ACCESS_LEVEL } from '../forge.types.js';
import {
  diff,
  diffBody,
  memberBody,
  noteBody,
  pageOf,
  permissionsBody,
  statusBody,
  userBody,
} from './fake-gitlab.bodies.js';
import { gitlabProjectBody, type GitlabWebhookContext } from './fake-gitlab.events.js';
import { installGitlabOAuth } from './fake-gitlab.oauth.js';
import { FakeGitlabProjects } from './fake-gitlab.projects.js';
import { FakeGitlabReleases } from './fake-gitlab.releases.js';
import type {
  FakeGitlabDiff,
  FakeGitlabNote,
  FakeGitlabOptions,
  FakeGitlabStatus,
  GitlabState,
} from './fake-gitlab.types.js';

export type { FakeMergeRequest, MergeRequestEventInput } from './fake-gitlab.events.js';
export type {
  FakeGitlabDiff,
  FakeGitlabNote,
  FakeGitlabOptions,
  FakeGitlabStatus,
  GitlabState,
} from './fake-gitlab.types.js';
export type { FakeApiMergeRequest, FakeGitlabProject } from './fake-gitlab.projects.js';
export type { FakeGitlabRelease, FakeGitlabTag } from './fake-gitlab.releases.js';

const FINISHED = new Set<GitlabState>(['success', 'failed', 'canceled']);
/** The event GitLab names in "Cannot transition status via :<event> from :<state>". */
const EVENTS: Record<GitlabState, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
};
/** What an unrestricted project lets every token do (a maintainer's access). */
const OPEN_ACCESS = 40;

export class FakeGitlabServer extends FakeHttpServer {
  readonly statuses: FakeGitlabStatus[] = [];
  /** Notes posted through the API and notes emitted as webhooks, oldest first. */
  readonly notes: FakeGitlabNote[] = [];
  /** OAuth applications, the browser's signed-in person and the codes and tokens of the web flow. */
  readonly oauth = new FakeOAuthProvider();
  /** Projects with git repositories, forks, and merge requests opened through the API. */
  readonly projects: FakeGitlabProjects;
  /** Tags and releases (the ones hooks were sent for, and those tests add). */
  readonly releases: FakeGitlabReleases;
  protected nextId = 100_001;
  /** `project@sha` -> the source branch a merge request hook named the commit on. */
  private readonly branches = new Map<string, string>();
  private readonly users = new Map<string, number>();
  private readonly access = new Map<string, number>();
  private readonly files = new Map<string, string>();
  private readonly mrDiffs = new Map<string, FakeGitlabDiff[]>();
  private readonly compares = new Map<string, FakeGitlabDiff[]>();
  /** Token -> the username it authenticates. */
  private readonly tokens = new Map<string, string>();
  /** Projects (lower-case paths) only members may see. */
  private readonly restricted = new Set<string>();
  /** Projects (lower-case paths) the fake has without a git repository (hooks were sent for them). */
  private readonly known = new Set<string>();
  private nextUserId = 1001;

  protected constructor(protected readonly options: FakeGitlabOptions) {
    super();
    this.tokens.set(this.token, this.botUser);
    this.routes();
    this.projects = new FakeGitlabProjects({
      route: (method, pattern, handler) => this.route(method, pattern, handler),
      json: (status, body) => this.json(status, body),
      error: (status, message) => this.error(status, message),
      authorized: (r) => this.authorized(r),
      page: (r, items) => this.page(r, items),
      ctx: () => this.webhookContext(),
      botUser: () => this.botUser,
      nextId: () => this.nextId++,
      permissions: (r, path) => permissionsBody(this.accessLevel(r, path)),
      projectWithoutRepository: (r) => this.projectWithoutRepository(r),
    });
    this.releases = new FakeGitlabReleases({
      route: (method, pattern, handler) => this.route(method, pattern, handler),
      json: (status, body, headers) => this.json(status, body, headers),
      error: (status, message) => this.error(status, message),
      authorized: (r) => this.authorized(r),
      page: (r, items) => this.page(r, items),
      ctx: () => this.webhookContext(),
      botUser: () => this.botUser,
    });
  }

  override async close(): Promise<void> {
    await super.close();
    await this.projects.close();
  }

  get token(): string {
    return this.options.token ?? 'gitlab-token';
  }

  /** Host of web URLs (`web_url`), `https://gitlab.com` unless configured. */
  get webUrl(): string {
    return (this.options.webUrl ?? 'https://gitlab.com').replace(/\/+$/, '');
  }

  /** Login of the token's user. */
  get botUser(): string {
    return this.options.botUser ?? 'packflow-bot';
  }

  /** Names its own URL as the forge's web (webhooks, answers), where it serves the OAuth sign-in too. */
  useOwnWebUrl(): this {
    this.options.webUrl = this.url;
    return this;
  }

  /** Another identity on this GitLab: `token` authenticates `username` (a second bot). */
  addToken(token: string, username: string): void {
    this.tokens.set(token, username);
    this.userId(username);
  }

  /**
   * Makes a project private: only members (setAccessLevel) see it; others get 404, and
   * members below Developer 403 when they set a commit status.
   */
  restrictProject(project: string): void {
    this.restricted.add(project.toLowerCase());
    this.knowProject(project);
  }

  /** A user's id (created on first use). */
  userId(username: string): number {
    const key = username.toLowerCase();
    let id = this.users.get(key);
    if (id === undefined) this.users.set(key, (id = this.nextUserId++));
    return id;
  }

  /** A member's access level on a project (Guest 10, Reporter 20, Developer 30, Maintainer 40, Owner 50). */
  setAccessLevel(project: string, username: string, level: number): void {
    this.access.set(`${project}#${this.userId(username)}`.toLowerCase(), level);
  }

  setFile(project: string, ref: string, path: string, content: string): void {
    this.files.set(`${project}@${ref}:${path}`.toLowerCase(), content);
    this.knowProject(project);
  }

  setMergeRequestChanges(project: string, iid: number, diffs: (string | FakeGitlabDiff)[]): void {
    this.mrDiffs.set(`${project}!${iid}`.toLowerCase(), diffs.map(diff));
  }

  setCompareChanges(project: string, from: string, to: string, diffs: (string | FakeGitlabDiff)[]): void {
    this.compares.set(`${project}:${from}...${to}`.toLowerCase(), diffs.map(diff));
  }

  statusesFor(project: string, sha?: string): FakeGitlabStatus[] {
    return this.statuses.filter((s) => s.project === project && (!sha || s.sha === sha));
  }

  /** The latest status of a name on a commit. */
  status(project: string, sha: string, name: string): FakeGitlabStatus | undefined {
    return this.statusesFor(project, sha)
      .filter((s) => s.name === name)
      .pop();
  }

  protected knowProject(project: string): void {
    this.known.add(project.toLowerCase());
  }

  /** The source branch of a merge request commit (the ref of statuses set without one). */
  protected noteBranch(project: string, sha: string, branch: string): void {
    this.branches.set(`${project}@${sha}`.toLowerCase(), branch);
  }

  protected webhookContext(): GitlabWebhookContext {
    return { web: this.webUrl, userId: (username) => this.userId(username) };
  }

  protected errorBody(status: number, message: string): unknown {
    return status === 400
      ? { message }
      : { message: message.startsWith(String(status)) ? message : `${status} ${message}` };
  }

  private routes(): void {
    installGitlabOAuth(
      (m, p, h) => this.route(m, p, h),
      this.oauth,
      (username) => this.userBody(username),
    );
    const p = '/api/v4/projects/:project';
    this.route('POST', `${p}/statuses/:sha`, (r) => this.authorized(r, 'write') ?? this.setStatus(r));
    this.route('GET', `${p}/repository/commits/:sha/statuses`, (r) => {
      let list = this.statusesFor(r.params.project, r.params.sha);
      const name = r.query.get('name');
      if (name) list = list.filter((s) => s.name === name);
      if (r.query.get('all') !== 'true') list = list.filter((s) => list.filter((o) => o.name === s.name).pop() === s);
      return (
        this.authorized(r) ??
        this.page(
          r,
          list.map((s) => statusBody(s, this.userBody(this.botUser))),
        )
      );
    });
    this.route(
      'POST',
      `${p}/merge_requests/:iid/notes`,
      (r) => this.authorized(r) ?? this.createNote(r, 'MergeRequest'),
    );
    this.route(
      'GET',
      `${p}/merge_requests/:iid/notes`,
      (r) => this.authorized(r) ?? this.page(r, this.notesOf(r, 'MergeRequest')),
    );
    this.route('POST', `${p}/issues/:iid/notes`, (r) => this.authorized(r) ?? this.createNote(r, 'Issue'));
    this.route('GET', `${p}/issues/:iid/notes`, (r) => this.authorized(r) ?? this.page(r, this.notesOf(r, 'Issue')));
    this.route('GET', '/api/v4/users', (r) => {
      const username = r.query.get('username');
      const users = username && this.users.has(username.toLowerCase()) ? [this.userBody(username)] : [];
      return this.authorized(r) ?? this.json(200, users);
    });
    this.route('GET', `${p}/members/all/:userId`, (r) => this.authorized(r) ?? this.member(r));
    this.route('GET', `${p}/repository/files/:path/raw`, (r) => {
      const content = this.files.get(
        `${r.params.project}@${r.query.get('ref') ?? 'main'}:${r.params.path}`.toLowerCase(),
      );
      const denied = this.authorized(r);
      if (denied) return denied;
      return content === undefined
        ? this.error(404, '404 File Not Found')
        : { status: 200, text: content, contentType: 'text/plain; charset=utf-8' };
    });
    this.route('GET', `${p}/merge_requests/:iid/diffs`, (r) => {
      const diffs = this.mrDiffs.get(`${r.params.project}!${r.params.iid}`.toLowerCase());
      return this.authorized(r) ?? (diffs ? this.page(r, diffs.map(diffBody)) : this.error(404, '404 Not found'));
    });
    this.route('GET', `${p}/repository/compare`, (r) => {
      const diffs = this.compares.get(
        `${r.params.project}:${r.query.get('from')}...${r.query.get('to')}`.toLowerCase(),
      );
      const denied = this.authorized(r);
      if (denied) return denied;
      if (!diffs) return this.error(404, '404 Ref Not Found');
      return this.json(200, {
        commit: { id: r.query.get('to'), short_id: String(r.query.get('to')).slice(0, 8) },
        commits: [],
        diffs: diffs.map(diffBody),
        compare_timeout: false,
        compare_same_ref: false,
      });
    });
  }

  /** The user a request's PRIVATE-TOKEN authenticates, or undefined. */
  private caller(r: FakeRequest): string | undefined {
    const token = r.headers['private-token'];
    return typeof token === 'string' ? this.tokens.get(token) : undefined;
  }

  /** The caller's access level on a project: OPEN_ACCESS on an unrestricted one, else its membership's. */
  private accessLevel(r: FakeRequest, project: string): number | undefined {
    const user = this.caller(r);
    if (user === undefined) return undefined;
    if (!this.restricted.has(project.toLowerCase())) return OPEN_ACCESS;
    return this.access.get(`${project}#${this.userId(user)}`.toLowerCase());
  }

  /**
   * An error answer unless the request's token may do this: 401 without a known token; on
   * a private project, 404 for a non-member and 403 for a write below Developer.
   */
  private authorized(r: FakeRequest, need: 'read' | 'write' = 'read'): FakeResponse | undefined {
    if (this.caller(r) === undefined) return this.error(401, '401 Unauthorized');
    const project = r.params.project;
    if (project === undefined) return undefined;
    const level = this.accessLevel(r, project);
    if (level === undefined) return this.error(404, '404 Project Not Found');
    if (need === 'write' && level < COMMAND_ACCESS_LEVEL) return this.error(403, '403 Forbidden');
    return undefined;
  }

  /** GET of a project the fake has without a repository (hooks were sent for it), else 404. */
  private projectWithoutRepository(r: FakeRequest): FakeResponse {
    const path = r.params.project;
    if (!this.known.has(path.toLowerCase())) return this.error(404, '404 Project Not Found');
    return this.json(200, {
      ...gitlabProjectBody(path, this.webhookContext()),
      path_with_namespace: path,
      permissions: permissionsBody(this.accessLevel(r, path)),
    });
  }

  /**
   * POST statuses/:sha as GitLab does: the same state again, or pending after running, is
   * refused; a finished status is followed by a new one.
   */
  private setStatus(r: FakeRequest): FakeResponse {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const state = String(body.state ?? '') as GitlabState;
    if (!(state in EVENTS)) return this.error(400, 'state does not have a valid value');
    const name =
      typeof body.name === 'string' && body.name
        ? body.name
        : typeof body.context === 'string' && body.context
          ? body.context
          : 'default';
    const ref = typeof body.ref === 'string' ? body.ref : null;
    const project = r.params.project;
    const sha = r.params.sha;
    const now = new Date().toISOString();
    const existing = this.statusesFor(project, sha)
      .filter((s) => s.name === name && (ref === null || s.ref === ref))
      .pop();
    let status: FakeGitlabStatus;
    if (existing && !FINISHED.has(existing.status)) {
      // GitLab's state machine: `enqueue` only from created, `run` only from pending.
      if (existing.status === state || (state === 'pending' && existing.status === 'running'))
        return this.error(
          400,
          `Cannot transition status via :${EVENTS[state]} from :${existing.status} (Reason(s): Status cannot transition via "${EVENTS[state]}")`,
        );
      status = existing;
    } else {
      status = {
        id: this.nextId++,
        project,
        sha,
        ref: ref ?? this.branchOf(project, sha),
        name,
        status: state,
        targetUrl: null,
        description: null,
        createdAt: now,
        startedAt: null,
        finishedAt: null,
        history: [],
      };
      this.statuses.push(status);
    }
    status.status = state;
    if (body.target_url !== undefined) status.targetUrl = String(body.target_url);
    if (body.description !== undefined) status.description = String(body.description);
    if (state === 'running') status.startedAt ??= now;
    if (FINISHED.has(state)) status.finishedAt = now;
    status.history.push({ status: state, description: status.description, targetUrl: status.targetUrl, at: now });
    return this.json(201, statusBody(status, this.userBody(this.caller(r) ?? this.botUser)));
  }

  /**
   * The ref GitLab gives a status set without one: a branch that contains the commit. The
   * fake knows the source branches of the merge request commits it sent hooks for, else `main`.
   */
  private branchOf(project: string, sha: string): string {
    return this.branches.get(`${project}@${sha}`.toLowerCase()) ?? 'main';
  }

  private createNote(r: FakeRequest, type: 'MergeRequest' | 'Issue'): FakeResponse {
    const body = (r.body as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string' || !body) return this.error(400, 'body is missing');
    const note: FakeGitlabNote = {
      id: this.nextId++,
      project: r.params.project,
      noteableType: type,
      iid: Number(r.params.iid),
      body,
      author: this.caller(r) ?? this.botUser,
      createdAt: new Date().toISOString(),
    };
    this.notes.push(note);
    return this.json(201, noteBody(note, this.userBody(note.author)));
  }

  /** Notes of a merge request or issue, newest first (GitLab's default order: created_at desc). */
  private notesOf(r: FakeRequest, type: 'MergeRequest' | 'Issue') {
    return this.notes
      .filter((n) => n.noteableType === type && n.project === r.params.project && n.iid === Number(r.params.iid))
      .sort((a, b) => b.id - a.id)
      .map((n) => noteBody(n, this.userBody(n.author)));
  }

  private member(r: FakeRequest): FakeResponse {
    const userId = Number(r.params.userId);
    const level = this.access.get(`${r.params.project}#${userId}`.toLowerCase());
    const username = [...this.users].find(([, id]) => id === userId)?.[0];
    if (level === undefined || !username) return this.error(404, '404 Not found');
    return this.json(200, memberBody(this.userBody(username), level));
  }

  private userBody(username: string) {
    return userBody(username, this.userId(username), this.url);
  }

  private page(r: FakeRequest, items: unknown[]): FakeResponse {
    const { items: slice, headers } = pageOf(r, items, this.url);
    return this.json(200, slice, headers);
  }
}
