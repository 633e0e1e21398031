// A stateful fake of the GitHub REST API for a GitHub App, reached through @octokit/rest
// by `baseUrl`: installation lookup and tokens (JWT checked), check runs with their update
// history and buttons, issue comments, collaborator permissions, file contents, pull
// request files and compares; rate-limit headers on every answer and scripted failures.
// The webhooks it sends are in fake-github.webhooks.ts (FakeGithub), the shapes of its
// answers in fake-github.bodies.ts.
import { randomUUID, type KeyObject } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '@packflow/testing/fakes';
import { FakeGithubApp, type FakeInstallation } from './fake-github.app.js';
import { FakeOAuthProvider } from '../fake-oauth.provider.js';
import {
  changedFileBody,
  commentBody,
  contentsBody,
  idOf,
  installationBody,
  pageOf,
  tagCommitBody,
  userBody,
  type FakeChangedFile,
  type FakeComment,
} from './fake-github.bodies.js';
import { installGithubOAuth } from './fake-github.oauth.js';
import { applyCheckRun, checkRunBody, type FakeCheckRun } from './fake-github.check-runs.js';

export type { FakeChangedFile, FakeComment } from './fake-github.bodies.js';
export type { CheckRunSnapshot, FakeCheckRun } from './fake-github.check-runs.js';
export type { PullRequestEventInput, PushEventInput, ReleaseEventInput } from './fake-github.events.js';

export type GithubRole = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

export interface FakeGithubOptions {
  appId?: number;
  /** The app's key (public, or the private one whose public part is used) to check JWTs. */
  appKey?: string | KeyObject;
  appSlug?: string;
  /** Default: installation 1 serving every repository. */
  installations?: FakeInstallation[];
  tokenTtlSeconds?: number;
  /** Receiver of emitWebhook and its secret. */
  webhook?: { url: string; secret: string };
  /** Permission of users not configured (public repositories: `read`). */
  defaultRole?: GithubRole;
  /** Host of web URLs in answers and webhooks (default `https://github.com`). */
  webUrl?: string;
}

const LEGACY: Record<GithubRole, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

export class FakeGithubServer extends FakeHttpServer {
  readonly app: FakeGithubApp;
  readonly checkRuns: FakeCheckRun[] = [];
  /** The same check runs by id, and by `<repo>@<sha>` (oldest first): lookups that stay cheap in a burst of thousands. */
  private readonly checkRunById = new Map<number, FakeCheckRun>();
  private readonly checkRunsOfCommit = new Map<string, FakeCheckRun[]>();
  readonly comments: FakeComment[] = [];
  /** OAuth apps, the browser's signed-in person and the codes and tokens of the web flow. */
  readonly oauth = new FakeOAuthProvider();
  private readonly roles = new Map<string, GithubRole>();
  private readonly files = new Map<string, string>();
  private readonly tags = new Map<string, string>();
  private readonly latestReleases = new Map<string, string>();
  private readonly pullFiles = new Map<string, FakeChangedFile[]>();
  private readonly compares = new Map<string, FakeChangedFile[]>();
  protected nextId = 4_000_000_001;

  protected constructor(protected readonly options: FakeGithubOptions) {
    super();
    this.app = new FakeGithubApp(options.appId ?? 1, options.appKey, options.tokenTtlSeconds ?? 3600);
    for (const inst of options.installations ?? [{ id: 1, account: 'packflow', repositories: '*' as const }])
      this.app.install(inst);
    this.routes();
  }

  /** Host of web URLs (`html_url`), `https://github.com` unless configured. */
  get webUrl(): string {
    return (this.options.webUrl ?? 'https://github.com').replace(/\/+$/, '');
  }

  get appSlug(): string {
    return this.options.appSlug ?? 'packflow';
  }

  /** Installation tokens issued so far. */
  get tokensIssued() {
    return this.app.tokensIssued;
  }

  /** Names its own URL as the forge's web (webhooks, answers), where it serves the OAuth sign-in too. */
  useOwnWebUrl(): this {
    this.setWebUrl(this.url);
    return this;
  }

  /** Web URLs (`html_url`) on this host from now on (the sandbox: the fake's own address). */
  setWebUrl(url: string): void {
    this.options.webUrl = url;
  }

  setPermission(repo: string, login: string, role: GithubRole): void {
    this.roles.set(`${repo}#${login}`.toLowerCase(), role);
  }

  /** A file's content at a ref (branch, tag or sha). */
  /** A tag of `owner/repo` pointing at `sha` (what a release's commit is found by). */
  setTag(repo: string, tag: string, sha: string): void {
    this.tags.set(`${repo}:${tag}`.toLowerCase(), sha);
  }

  /** A published release of `owner/repo` (its tag at `sha`), the latest one from now on. */
  setRelease(repo: string, tag: string, sha: string): void {
    this.setTag(repo, tag, sha);
    this.latestReleases.set(repo.toLowerCase(), tag);
  }

  setFile(repo: string, ref: string, path: string, content: string): void {
    this.files.set(`${repo}@${ref}:${path}`.toLowerCase(), content);
  }

  setPullRequestFiles(repo: string, number: number, files: (string | FakeChangedFile)[]): void {
    this.pullFiles.set(`${repo}#${number}`.toLowerCase(), files.map(changed));
  }

  setCompareFiles(repo: string, base: string, head: string, files: (string | FakeChangedFile)[]): void {
    this.compares.set(`${repo}:${base}...${head}`.toLowerCase(), files.map(changed));
  }

  checkRunsFor(repo: string, sha?: string): FakeCheckRun[] {
    if (sha !== undefined) return [...(this.checkRunsOfCommit.get(`${repo}@${sha}`) ?? [])];
    return this.checkRuns.filter((c) => c.repo === repo);
  }

  /** The latest check run of a name on a commit. */
  checkRun(repo: string, sha: string, name: string): FakeCheckRun | undefined {
    return this.checkRunsFor(repo, sha)
      .filter((c) => c.name === name)
      .pop();
  }

  /** The next call(s) hit the primary rate limit: 403 with `x-ratelimit-remaining: 0` and the reset time. */
  rateLimitNext(options: { resetInSeconds?: number; times?: number; path?: string | RegExp } = {}): this {
    const reset = Math.floor(Date.now() / 1000) + (options.resetInSeconds ?? 60);
    return this.failNext({
      status: 403,
      times: options.times,
      path: options.path,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset), 'x-ratelimit-used': '5000' },
      json: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: 'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      },
    });
  }

  protected errorBody(status: number, message: string): unknown {
    return { message, documentation_url: 'https://docs.github.com/rest', status: String(status) };
  }

  protected override commonHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-github-request-id': randomUUID(),
    };
  }

  private routes(): void {
    installGithubOAuth(
      (m, p, h) => this.route(m, p, h),
      this.oauth,
      (login) => userBody(login, this.webUrl),
    );
    this.route('GET', '/repos/:owner/:repo/installation', (r) => {
      const problem = this.app.jwtProblem(r.headers.authorization);
      if (problem) return this.error(401, problem);
      const inst = this.app.installationOf(repoOf(r));
      if (!inst) return this.error(404, 'Not Found');
      return this.json(200, installationBody(inst, { id: this.app.appId, slug: this.appSlug }));
    });
    this.route('POST', '/app/installations/:id/access_tokens', (r) => {
      const problem = this.app.jwtProblem(r.headers.authorization);
      if (problem) return this.error(401, problem);
      const inst = this.app.installations.get(Number(r.params.id));
      if (!inst) return this.error(404, 'Not Found');
      const issued = this.app.issueToken(inst.id);
      return this.json(201, {
        ...issued,
        permissions: { checks: 'write', contents: 'read', issues: 'write', pull_requests: 'write' },
        repository_selection: inst.repositories === '*' ? 'all' : 'selected',
      });
    });
    this.route('POST', '/repos/:owner/:repo/check-runs', (r) => this.authorized(r) ?? this.createCheckRun(r));
    this.route('PATCH', '/repos/:owner/:repo/check-runs/:id', (r) => this.authorized(r) ?? this.updateCheckRun(r));
    this.route('GET', '/repos/:owner/:repo/check-runs/:id', (r) => {
      const run = this.storedCheckRun(r);
      return this.authorized(r) ?? (run ? this.json(200, this.checkRunBody(run)) : this.error(404, 'Not Found'));
    });
    // Newest first, `filter=latest` (the default) the newest of each name; pages of
    // `per_page` (30, at most 100) with a Link header, as GitHub answers.
    this.route('GET', '/repos/:owner/:repo/commits/:ref/check-runs', (r) => {
      let runs = this.checkRunsFor(repoOf(r), r.params.ref).reverse();
      const name = r.query.get('check_name');
      if (name) runs = runs.filter((c) => c.name === name);
      if (r.query.get('filter') !== 'all') {
        const seen = new Set<string>();
        runs = runs.filter((c) => !seen.has(c.name) && seen.add(c.name));
      }
      const { items, headers } = pageOf(r, runs, this.url);
      return (
        this.authorized(r) ??
        this.json(
          200,
          { total_count: runs.length, check_runs: (items as FakeCheckRun[]).map((c) => this.checkRunBody(c)) },
          headers,
        )
      );
    });
    this.route(
      'POST',
      '/repos/:owner/:repo/issues/:number/comments',
      (r) => this.authorized(r) ?? this.createComment(r),
    );
    // The comments of an issue or pull request, oldest first (GitHub's order).
    this.route('GET', '/repos/:owner/:repo/issues/:number/comments', (r) => {
      const list = this.comments.filter((c) => c.repo === repoOf(r) && c.issueNumber === Number(r.params.number));
      return (
        this.authorized(r) ??
        this.page(
          r,
          list.map((c) => commentBody(c, this.webUrl)),
        )
      );
    });
    this.route('GET', '/repos/:owner/:repo/collaborators/:user/permission', (r) => {
      const role = this.roles.get(`${repoOf(r)}#${r.params.user}`.toLowerCase()) ?? this.options.defaultRole ?? 'read';
      return (
        this.authorized(r) ??
        this.json(200, {
          permission: LEGACY[role],
          role_name: role,
          user: { login: r.params.user, id: idOf(r.params.user), type: 'User' },
        })
      );
    });
    this.route('GET', '/repos/:owner/:repo/releases/latest', (r) => {
      const repo = repoOf(r);
      const tag = this.latestReleases.get(repo.toLowerCase());
      if (!tag) return this.authorized(r) ?? this.error(404, 'Not Found');
      return (
        this.authorized(r) ??
        this.json(200, {
          id: this.nextId++,
          tag_name: tag,
          name: tag,
          draft: false,
          prerelease: false,
          html_url: `${this.webUrl}/${repo}/releases/tag/${tag}`,
        })
      );
    });
    this.route('GET', '/repos/:owner/:repo/commits/*ref', (r) => this.authorized(r) ?? this.commit(r));
    this.route('GET', '/repos/:owner/:repo/contents/*path', (r) => this.authorized(r) ?? this.contents(r));
    this.route('GET', '/repos/:owner/:repo/pulls/:number/files', (r) => {
      const files = this.pullFiles.get(`${repoOf(r)}#${r.params.number}`.toLowerCase());
      return (
        this.authorized(r) ??
        (files
          ? this.page(
              r,
              files.map((f) => changedFileBody(repoOf(r), f, this.webUrl)),
            )
          : this.error(404, 'Not Found'))
      );
    });
    this.route('GET', '/repos/:owner/:repo/compare/:basehead', (r) => {
      const files = this.compares.get(`${repoOf(r)}:${r.params.basehead}`.toLowerCase());
      if (!files) return this.authorized(r) ?? this.error(404, 'Not Found');
      const body = {
        url: `${this.url}/repos/${repoOf(r)}/compare/${r.params.basehead}`,
        status: 'ahead',
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        commits: [],
        files: files.map((f) => changedFileBody(repoOf(r), f, this.webUrl)),
      };
      return this.authorized(r) ?? this.json(200, body);
    });
  }

  /** An error answer unless the request carries a valid installation token for this repository. */
  private authorized(r: FakeRequest): FakeResponse | undefined {
    const installationId = this.app.tokenInstallation(r.headers.authorization);
    if (installationId === undefined) return this.error(401, 'Bad credentials');
    const inst = this.app.installationOf(repoOf(r));
    if (inst?.id === installationId) return undefined;
    return r.method === 'GET'
      ? this.error(404, 'Not Found')
      : this.error(403, 'Resource not accessible by integration');
  }

  private createCheckRun(r: FakeRequest): FakeResponse {
    const body = (r.body ?? {}) as Record<string, unknown>;
    if (typeof body.name !== 'string' || !body.name) return this.invalid('name', 'missing_field');
    if (typeof body.head_sha !== 'string' || !body.head_sha) return this.invalid('head_sha', 'missing_field');
    const now = new Date().toISOString();
    const run: FakeCheckRun = {
      id: this.nextId++,
      repo: repoOf(r),
      name: body.name,
      headSha: body.head_sha,
      status: 'queued',
      conclusion: null,
      title: null,
      summary: null,
      text: null,
      detailsUrl: null,
      externalId: null,
      startedAt: now,
      completedAt: null,
      actions: [],
      at: now,
      history: [],
    };
    const problem = this.apply(run, body);
    if (problem) return problem;
    this.checkRuns.push(run);
    this.checkRunById.set(run.id, run);
    const commit = `${run.repo}@${run.headSha}`;
    this.checkRunsOfCommit.set(commit, [...(this.checkRunsOfCommit.get(commit) ?? []), run]);
    return this.json(201, this.checkRunBody(run));
  }

  /** The check run a request's path names, when it is of the path's repository. */
  private storedCheckRun(r: FakeRequest): FakeCheckRun | undefined {
    const run = this.checkRunById.get(Number(r.params.id));
    return run?.repo === repoOf(r) ? run : undefined;
  }

  private updateCheckRun(r: FakeRequest): FakeResponse {
    const run = this.storedCheckRun(r);
    if (!run) return this.error(404, 'Not Found');
    const copy = { ...run, history: run.history, actions: run.actions };
    const problem = this.apply(copy, (r.body ?? {}) as Record<string, unknown>);
    if (problem) return problem;
    Object.assign(run, copy);
    return this.json(200, this.checkRunBody(run));
  }

  private invalid(field: string, code: string): FakeResponse {
    return this.json(422, {
      message: 'Invalid request.',
      errors: [{ resource: 'CheckRun', field, code }],
      documentation_url: 'https://docs.github.com/rest/checks/runs',
      status: '422',
    });
  }

  protected checkRunBody(c: FakeCheckRun) {
    return checkRunBody(c, this.url, this.webUrl, { id: this.app.appId, slug: this.appSlug });
  }

  /** Applies fields as GitHub validates them; a 422 answer when they are invalid. */
  private apply(run: FakeCheckRun, body: Record<string, unknown>): FakeResponse | undefined {
    const problem = applyCheckRun(run, body);
    return problem ? this.invalid(problem.field, problem.code) : undefined;
  }

  private createComment(r: FakeRequest): FakeResponse {
    const body = (r.body as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string' || !body)
      return this.json(422, {
        message: 'Invalid request.',
        errors: [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }],
      });
    const comment: FakeComment = {
      id: this.nextId++,
      repo: repoOf(r),
      issueNumber: Number(r.params.number),
      body,
      user: `${this.appSlug}[bot]`,
      createdAt: new Date().toISOString(),
    };
    this.comments.push(comment);
    return this.json(201, commentBody(comment, this.webUrl));
  }

  /** A commit by ref: only tags (`refs/tags/<tag>`) and full shas of tags set here resolve. */
  private commit(r: FakeRequest): FakeResponse {
    const repo = repoOf(r);
    const ref = r.params.ref;
    const tag = /^(?:refs\/)?tags\/(.+)$/.exec(ref)?.[1] ?? ref;
    const sha =
      this.tags.get(`${repo}:${tag}`.toLowerCase()) ??
      [...this.tags.entries()].find(([k, v]) => k.startsWith(`${repo.toLowerCase()}:`) && v === ref)?.[1];
    if (!sha) return this.error(422, `No commit found for SHA: ${ref}`);
    return this.json(200, tagCommitBody(repo, tag, sha, { api: this.url, web: this.webUrl }));
  }

  private contents(r: FakeRequest): FakeResponse {
    const repo = repoOf(r);
    const ref = r.query.get('ref') ?? 'main';
    const path = r.params.path;
    const content = this.files.get(`${repo}@${ref}:${path}`.toLowerCase());
    if (content === undefined) return this.error(404, 'Not Found');
    return this.json(200, contentsBody({ repo, ref, path, content }, { api: this.url, web: this.webUrl }));
  }

  private page(r: FakeRequest, items: unknown[]): FakeResponse {
    const { items: slice, headers } = pageOf(r, items, this.url);
    return this.json(200, slice, headers);
  }
}

function repoOf(r: FakeRequest): string {
  return `${r.params.owner}/${r.params.repo}`;
}

function changed(file: string | FakeChangedFile): FakeChangedFile {
  return typeof file === 'string' ? { filename: file } : file;
}
