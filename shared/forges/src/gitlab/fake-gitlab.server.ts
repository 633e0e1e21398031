// A stateful fake of the GitLab REST API v4, reached through @gitbeaker/rest by `host`:
// commit statuses (with GitLab's transition rules and their history), merge request and
// issue notes, users and member access levels, repository files, merge request diffs and
// compares. Projects are named by path (`group/project`, URL-encoded as GitLab wants).
// Projects with real git repositories, forks and merge requests opened through the API
// are in fake-gitlab.projects.ts; answer bodies in fake-gitlab.bodies.ts. It also sends
// webhooks (Merge Request, Note, Push, Tag Push, Release and Pipeline Hooks) with
// X-Gitlab-Token to a configured receiver.
import { randomUUID } from 'node:crypto';
import { deliver, FakeHttpServer, type Delivery, type FakeRequest, type FakeResponse } from '@packflow/testing/fakes';
import { FakeOAuthProvider } from '../fake-oauth.provider.js';
import { installGitlabOAuth } from './fake-gitlab.oauth.js';
import { FakeGitlabProjects } from './fake-gitlab.projects.js';
import { diff, diffBody, noteBody, statusBody } from './fake-gitlab.bodies.js';
import {
  mergeRequestPayload,
  notePayload,
  releasePayload,
  tagPushPayload,
  type FakeMergeRequest,
  type FakePipelineJob,
  type GitlabWebhookContext,
  type MergeRequestEventInput,
} from './fake-gitlab.events.js';

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

const FINISHED = new Set<GitlabState>(['success', 'failed', 'canceled']);
/** The event GitLab names in "Cannot transition status via :<event> from :<state>". */
const EVENTS: Record<GitlabState, string> = {
  pending: 'enqueue',
  running: 'run',
  success: 'success',
  failed: 'drop',
  canceled: 'cancel',
};

export class FakeGitlab extends FakeHttpServer {
  readonly statuses: FakeGitlabStatus[] = [];
  /** Notes posted through the API and notes emitted as webhooks, oldest first. */
  readonly notes: FakeGitlabNote[] = [];
  readonly webhooksSent: (Delivery & { event: string; uuid: string })[] = [];
  /** OAuth applications, the browser's signed-in person and the codes and tokens of the web flow. */
  readonly oauth = new FakeOAuthProvider();
  private readonly mergeRequests = new Map<string, FakeMergeRequest>();
  /** `project@sha` -> the source branch a merge request hook named the commit on. */
  private readonly branches = new Map<string, string>();
  private readonly users = new Map<string, number>();
  private readonly access = new Map<string, number>();
  private readonly files = new Map<string, string>();
  private readonly mrDiffs = new Map<string, FakeGitlabDiff[]>();
  private readonly compares = new Map<string, FakeGitlabDiff[]>();
  private nextId = 100_001;
  private nextUserId = 1001;
  /** Projects with git repositories, forks, and merge requests opened through the API. */
  readonly projects: FakeGitlabProjects;

  private constructor(private readonly options: FakeGitlabOptions) {
    super();
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
    });
  }

  override async close(): Promise<void> {
    await super.close();
    await this.projects.close();
  }

  /** A "Push Hook" for `before..after` of a project's branch (commits read from its repository). */
  async emitPush(project: string, push: { branch: string; before: string; after: string; sender: string }) {
    return this.emitWebhook('Push Hook', await this.projects.pushHook(project, push));
  }

  /** A "Tag Push Hook" for a new tag at `sha` (GitLab sends it when a release creates its tag, before the Release Hook). */
  async emitTagPush(project: string, tag: { name: string; sha: string; sender: string }) {
    return this.emitWebhook('Tag Push Hook', tagPushPayload(project, tag, this.webhookContext()));
  }

  /** A "Release Hook" (action `create`) of a release of the tag `tag` at `sha`. */
  async emitRelease(project: string, release: { tag: string; sha: string; name?: string }) {
    return this.emitWebhook('Release Hook', releasePayload(project, release, this.webhookContext()));
  }

  /**
   * A "Pipeline Hook" for a pipeline of a merge request opened through the API (its newest
   * pipeline, or a new id), at the merge request's head unless `sha`.
   */
  async emitMergeRequestPipeline(
    project: string,
    iid: number,
    input: { status: string; sha?: string; id?: number; sender?: string; jobs?: FakePipelineJob[] },
  ) {
    return this.emitWebhook('Pipeline Hook', await this.projects.pipelineHook(project, iid, input));
  }

  static async start(options: FakeGitlabOptions = {}): Promise<FakeGitlab> {
    return new FakeGitlab(options).listen();
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

  setWebhookTarget(url: string, token: string): void {
    this.options.webhook = { url, token };
  }

  /** A merge request as the last hook sent for it described it. */
  mergeRequest(project: string, iid: number): FakeMergeRequest | undefined {
    return this.mergeRequests.get(`${project}!${iid}`.toLowerCase());
  }

  /** Sends a webhook as GitLab does: JSON body, X-Gitlab-Event, X-Gitlab-Event-UUID, X-Gitlab-Token. */
  async emitWebhook(event: string, payload: unknown, options: { uuid?: string; url?: string; token?: string } = {}) {
    const url = options.url ?? this.options.webhook?.url;
    const token = options.token ?? this.options.webhook?.token;
    const uuid = options.uuid ?? randomUUID();
    const delivery = await deliver(url, payload, {
      'x-gitlab-event': event,
      'x-gitlab-event-uuid': uuid,
      'x-gitlab-instance': this.webUrl,
      'user-agent': 'GitLab/17.0.0',
      ...(token !== undefined ? { 'x-gitlab-token': token } : {}),
    });
    const sent = { ...delivery, event, uuid };
    this.webhooksSent.push(sent);
    return sent;
  }

  /**
   * A "Merge Request Hook" (action `open` by default) for `group/project`. The fake
   * remembers the merge request, so later notes on it carry its head commit.
   */
  async emitMergeRequest(project: string, input: MergeRequestEventInput) {
    const key = `${project}!${input.iid}`.toLowerCase();
    const previous = this.mergeRequests.get(key);
    const action = input.action ?? 'open';
    const sender = input.sender ?? previous?.author ?? project.split('/')[0];
    const mr: FakeMergeRequest = {
      project,
      iid: input.iid,
      headSha: input.headSha,
      sourceBranch: input.sourceBranch ?? previous?.sourceBranch ?? 'feature',
      targetBranch: input.targetBranch ?? previous?.targetBranch ?? 'main',
      sourceProject: input.sourceProject ?? previous?.sourceProject ?? project,
      title: input.title ?? previous?.title ?? `Change ${input.iid}`,
      author: previous?.author ?? sender,
      state: action === 'close' ? 'closed' : action === 'merge' ? 'merged' : 'opened',
    };
    this.mergeRequests.set(key, mr);
    this.branches.set(`${mr.sourceProject}@${mr.headSha}`.toLowerCase(), mr.sourceBranch);
    return this.emitWebhook('Merge Request Hook', mergeRequestPayload(mr, input, sender, this.webhookContext()));
  }

  /**
   * A "Note Hook" for a note by `sender` on a merge request the fake sent a hook for: a
   * new note, or (`edit`: its id) the edit of one, which recent GitLab also sends, with
   * `object_attributes.action: update`.
   */
  async emitMergeRequestNote(project: string, iid: number, body: string, options: { sender: string; edit?: number }) {
    const mr = this.mergeRequest(project, iid);
    if (!mr) throw new Error(`fake GitLab has no merge request ${project}!${iid} (emit a Merge Request Hook first)`);
    let note = options.edit === undefined ? undefined : this.notes.find((n) => n.id === options.edit);
    if (options.edit !== undefined && !note) throw new Error(`fake GitLab has no note ${options.edit}`);
    if (note) {
      note.body = body;
    } else {
      note = {
        id: this.nextId++,
        project,
        noteableType: 'MergeRequest',
        iid,
        body,
        author: options.sender,
        createdAt: new Date().toISOString(),
      };
      this.notes.push(note);
    }
    const payload = notePayload(
      mr,
      body,
      { sender: options.sender, noteId: note.id, action: options.edit === undefined ? 'create' : 'update' },
      this.webhookContext(),
    );
    return { ...(await this.emitWebhook('Note Hook', payload)), noteId: note.id };
  }

  private webhookContext(): GitlabWebhookContext {
    return { web: this.webUrl, userId: (username) => this.userId(username) };
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
    this.route('POST', `${p}/statuses/:sha`, (r) => this.authorized(r) ?? this.setStatus(r));
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
    // Notes of a merge request, newest first (GitLab's default order: created_at desc).
    this.route('GET', `${p}/merge_requests/:iid/notes`, (r) => {
      const list = this.notes
        .filter(
          (n) => n.noteableType === 'MergeRequest' && n.project === r.params.project && n.iid === Number(r.params.iid),
        )
        .sort((a, b) => b.id - a.id)
        .map((n) => noteBody(n, this.userBody(n.author)));
      return this.authorized(r) ?? this.page(r, list);
    });
    this.route('POST', `${p}/issues/:iid/notes`, (r) => this.authorized(r) ?? this.createNote(r, 'Issue'));
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
      if (this.authorized(r)) return this.authorized(r)!;
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
      if (this.authorized(r)) return this.authorized(r)!;
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

  private authorized(r: FakeRequest): FakeResponse | undefined {
    return r.headers['private-token'] === this.token ? undefined : this.error(401, '401 Unauthorized');
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
    return this.json(201, statusBody(status, this.userBody(this.botUser)));
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
      author: this.botUser,
      createdAt: new Date().toISOString(),
    };
    this.notes.push(note);
    return this.json(201, noteBody(note, this.userBody(note.author)));
  }

  private member(r: FakeRequest): FakeResponse {
    const userId = Number(r.params.userId);
    const level = this.access.get(`${r.params.project}#${userId}`.toLowerCase());
    const username = [...this.users].find(([, id]) => id === userId)?.[0];
    if (level === undefined || !username) return this.error(404, '404 Not found');
    return this.json(200, {
      ...this.userBody(username),
      access_level: level,
      created_at: new Date().toISOString(),
      expires_at: null,
      membership_state: 'active',
    });
  }

  private userBody(username: string) {
    return {
      id: this.userId(username),
      username,
      name: username,
      state: 'active',
      avatar_url: null,
      web_url: `${this.url}/${username}`,
    };
  }

  /** A page of a list with GitLab's pagination headers (`per_page` default 20, at most 100). */
  private page(r: FakeRequest, items: unknown[]): FakeResponse {
    const perPage = Math.min(100, Number(r.query.get('per_page') ?? 20) || 20);
    const page = Math.max(1, Number(r.query.get('page') ?? 1) || 1);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number) => {
      const u = new URL(`${this.url}${r.path}`);
      r.query.forEach((v, k) => u.searchParams.set(k, v));
      u.searchParams.set('page', String(n));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    const links = [`<${link(1)}>; rel="first"`, `<${link(pages)}>; rel="last"`];
    if (page < pages) links.unshift(`<${link(page + 1)}>; rel="next"`);
    return this.json(200, items.slice((page - 1) * perPage, page * perPage), {
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(pages),
      ...(page < pages ? { 'x-next-page': String(page + 1) } : {}),
    });
  }
}
