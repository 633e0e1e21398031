// A stateful fake of the GitHub REST API for a GitHub App, reached through @octokit/rest
// by `baseUrl`: installation lookup and tokens (JWT checked), check runs with their update
// history and buttons, issue comments, collaborator permissions, file contents, pull
// request files and compares; rate-limit headers on every answer, scripted failures, and
// signed webhooks (X-Hub-Signature-256) sent to a configured receiver.
import { createHash, randomUUID, type KeyObject } from 'node:crypto';
import { deliver, FakeHttpServer, type Delivery, type FakeRequest, type FakeResponse } from '@packflow/testing/fakes';
import { FakeGithubApp, signWebhook, type FakeInstallation } from './fake-github.app.js';
import { FakeOAuthProvider } from '../fake-oauth.provider.js';
import { installGithubOAuth } from './fake-github.oauth.js';
import { applyCheckRun, checkRunBody, type FakeCheckRun } from './fake-github.check-runs.js';
import {
  checkRunPayload,
  issueCommentPayload,
  pullRequestPayload,
  pushPayload,
  releasePayload,
  type PullRequestEventInput,
  type PushEventInput,
  type ReleaseEventInput,
  type WebhookContext,
} from './fake-github.events.js';

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

export interface FakeComment {
  id: number;
  repo: string;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
}

export interface FakeChangedFile {
  filename: string;
  status?: 'added' | 'modified' | 'removed' | 'renamed';
  previousFilename?: string;
}

const LEGACY: Record<GithubRole, string> = {
  admin: 'admin',
  maintain: 'write',
  write: 'write',
  triage: 'read',
  read: 'read',
  none: 'none',
};

export class FakeGithub extends FakeHttpServer {
  readonly app: FakeGithubApp;
  readonly checkRuns: FakeCheckRun[] = [];
  readonly comments: FakeComment[] = [];
  readonly webhooksSent: (Delivery & { event: string; deliveryId: string })[] = [];
  /** OAuth apps, the browser's signed-in person and the codes and tokens of the web flow. */
  readonly oauth = new FakeOAuthProvider();
  private readonly roles = new Map<string, GithubRole>();
  private readonly files = new Map<string, string>();
  private readonly tags = new Map<string, string>();
  private readonly latestReleases = new Map<string, string>();
  private readonly pullFiles = new Map<string, FakeChangedFile[]>();
  private readonly compares = new Map<string, FakeChangedFile[]>();
  private nextId = 4_000_000_001;

  private constructor(private readonly options: FakeGithubOptions) {
    super();
    this.app = new FakeGithubApp(options.appId ?? 1, options.appKey, options.tokenTtlSeconds ?? 3600);
    for (const inst of options.installations ?? [{ id: 1, account: 'packflow', repositories: '*' as const }])
      this.app.install(inst);
    this.routes();
  }

  /** `port`: listen there (the sandbox keeps its address across restarts); fails when it is taken. */
  static async start(options: FakeGithubOptions = {}, port = 0): Promise<FakeGithub> {
    return new FakeGithub(options).listen({ port });
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

  setWebhookTarget(url: string, secret: string): void {
    this.options.webhook = { url, secret };
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
    return this.checkRuns.filter((c) => c.repo === repo && (!sha || c.headSha === sha));
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

  /** Sends a webhook as GitHub does: JSON body, X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256. */
  async emitWebhook(
    event: string,
    payload: unknown,
    options: { deliveryId?: string; url?: string; secret?: string } = {},
  ) {
    const url = options.url ?? this.options.webhook?.url;
    const secret = options.secret ?? this.options.webhook?.secret ?? '';
    const deliveryId = options.deliveryId ?? randomUUID();
    const raw = JSON.stringify(payload);
    const delivery = await deliver(
      url,
      payload,
      {
        'x-github-event': event,
        'x-github-delivery': deliveryId,
        'x-hub-signature-256': signWebhook(secret, raw),
        'user-agent': 'GitHub-Hookshot/fake',
      },
      raw,
    );
    const sent = { ...delivery, event, deliveryId };
    this.webhooksSent.push(sent);
    return sent;
  }

  /** A pull_request webhook (opened by default) for `owner/repo`. */
  async emitPullRequest(repo: string, input: PullRequestEventInput) {
    return this.emitWebhook('pull_request', pullRequestPayload(repo, input, this.webhookContext(repo)));
  }

  /** A push webhook of one commit to a branch of `owner/repo`. */
  async emitPush(repo: string, input: PushEventInput) {
    return this.emitWebhook('push', pushPayload(repo, input, this.webhookContext(repo)));
  }

  /** A release `published` webhook for a tag of `owner/repo`. */
  async emitRelease(repo: string, input: ReleaseEventInput) {
    return this.emitWebhook('release', releasePayload(repo, input, this.webhookContext(repo)));
  }

  /** An issue_comment `created` webhook, on a pull request unless `pullRequest: false`. */
  async emitIssueComment(
    repo: string,
    issueNumber: number,
    body: string,
    options: { sender: string; pullRequest?: boolean; issue?: { title: string; body: string } },
  ) {
    const payload = issueCommentPayload(
      repo,
      issueNumber,
      body,
      {
        sender: options.sender,
        pullRequest: options.pullRequest ?? true,
        commentId: this.nextId++,
        issue: options.issue,
      },
      this.webhookContext(repo),
    );
    return this.emitWebhook('issue_comment', payload);
  }

  /** A check_run webhook for a stored check run: GitHub's "Re-run" (`rerequested`) or a button (`requested_action`). */
  async emitCheckRunEvent(
    checkRunId: number | string,
    options: {
      action: 'rerequested' | 'requested_action';
      identifier?: string;
      sender: string;
      pullRequest?: number;
      headBranch?: string;
    },
  ) {
    const run = this.checkRuns.find((c) => c.id === Number(checkRunId));
    if (!run) throw new Error(`fake GitHub has no check run ${checkRunId}`);
    const payload = checkRunPayload(run, this.checkRunBody(run), options, this.webhookContext(run.repo));
    return this.emitWebhook('check_run', payload);
  }

  private webhookContext(repo: string): WebhookContext {
    return { web: this.webUrl, api: this.url, installationId: this.app.installationOf(repo)?.id };
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
      return this.json(200, {
        id: inst.id,
        account: { login: inst.account, type: 'Organization' },
        app_id: this.app.appId,
        app_slug: this.appSlug,
        repository_selection: inst.repositories === '*' ? 'all' : 'selected',
        permissions: { checks: 'write', contents: 'read', issues: 'write', pull_requests: 'write' },
        events: [],
      });
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
      const run = this.checkRuns.find((c) => c.id === Number(r.params.id) && c.repo === repoOf(r));
      return this.authorized(r) ?? (run ? this.json(200, this.checkRunBody(run)) : this.error(404, 'Not Found'));
    });
    this.route('GET', '/repos/:owner/:repo/commits/:ref/check-runs', (r) => {
      let runs = this.checkRunsFor(repoOf(r), r.params.ref);
      const name = r.query.get('check_name');
      if (name) runs = runs.filter((c) => c.name === name);
      if (r.query.get('filter') !== 'all') runs = runs.filter((c) => runs.filter((o) => o.name === c.name).pop() === c);
      runs = [...runs].reverse();
      return (
        this.authorized(r) ??
        this.json(200, { total_count: runs.length, check_runs: runs.map((c) => this.checkRunBody(c)) })
      );
    });
    this.route(
      'POST',
      '/repos/:owner/:repo/issues/:number/comments',
      (r) => this.authorized(r) ?? this.createComment(r),
    );
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
              files.map((f) => this.fileBody(repoOf(r), f)),
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
        files: files.map((f) => this.fileBody(repoOf(r), f)),
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
    return this.json(201, this.checkRunBody(run));
  }

  private updateCheckRun(r: FakeRequest): FakeResponse {
    const run = this.checkRuns.find((c) => c.id === Number(r.params.id) && c.repo === repoOf(r));
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

  private checkRunBody(c: FakeCheckRun) {
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
    return this.json(201, {
      id: comment.id,
      node_id: Buffer.from(`IssueComment${comment.id}`).toString('base64'),
      html_url: `${this.webUrl}/${comment.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      body: comment.body,
      user: { login: comment.user, id: 1, type: 'Bot' },
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
      author_association: 'NONE',
    });
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
    return this.json(200, {
      sha,
      url: `${this.url}/repos/${repo}/commits/${sha}`,
      html_url: `${this.webUrl}/${repo}/commit/${sha}`,
      commit: { message: `Release ${tag}`, tree: { sha: createHash('sha1').update(sha).digest('hex') } },
      parents: [],
    });
  }

  private contents(r: FakeRequest): FakeResponse {
    const repo = repoOf(r);
    const ref = r.query.get('ref') ?? 'main';
    const path = r.params.path;
    const content = this.files.get(`${repo}@${ref}:${path}`.toLowerCase());
    if (content === undefined) return this.error(404, 'Not Found');
    const raw = Buffer.from(content, 'utf8');
    const sha = createHash('sha1').update(`blob ${raw.length}\0`).update(raw).digest('hex');
    const base64 = raw.toString('base64').replace(/(.{60})/g, '$1\n');
    return this.json(200, {
      type: 'file',
      encoding: 'base64',
      size: raw.length,
      name: path.split('/').pop(),
      path,
      content: base64,
      sha,
      url: `${this.url}/repos/${repo}/contents/${path}?ref=${ref}`,
      html_url: `${this.webUrl}/${repo}/blob/${ref}/${path}`,
      download_url: `${this.url}/raw/${repo}/${ref}/${path}`,
    });
  }

  private fileBody(repo: string, f: FakeChangedFile) {
    return {
      sha: createHash('sha1').update(f.filename).digest('hex'),
      filename: f.filename,
      status: f.status ?? (f.previousFilename ? 'renamed' : 'modified'),
      additions: 1,
      deletions: 0,
      changes: 1,
      blob_url: `${this.webUrl}/${repo}/blob/HEAD/${f.filename}`,
      ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
    };
  }

  /** A page of a list with GitHub's `Link` header (`per_page` default 30, at most 100). */
  private page(r: FakeRequest, items: unknown[]): FakeResponse {
    const perPage = Math.min(100, Number(r.query.get('per_page') ?? 30) || 30);
    const page = Math.max(1, Number(r.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(`${this.url}${r.path}`);
      r.query.forEach((v, k) => u.searchParams.set(k, v));
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      return u.toString();
    };
    const links = page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [];
    return this.json(
      200,
      items.slice((page - 1) * perPage, page * perPage),
      links.length ? { link: links.join(', ') } : undefined,
    );
  }
}

function repoOf(r: FakeRequest): string {
  return `${r.params.owner}/${r.params.repo}`;
}

function changed(file: string | FakeChangedFile): FakeChangedFile {
  return typeof file === 'string' ? { filename: file } : file;
}

function userBody(login: string, webUrl: string) {
  const web = `${webUrl}/${login}`;
  return { login, id: idOf(login), type: 'User', name: login, avatar_url: `${web}.png`, html_url: web };
}

function idOf(login: string): number {
  return parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16);
}
