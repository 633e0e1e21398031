// A stateful fake Pagure (src.fedoraproject.org): API v0 under `/api/0/`, API tokens in
// `Authorization: token …` (a bad one is refused with Pagure's EINVALIDTOK answer), real
// bare git repositories served over file:// (FakeGitStore), forks, pull requests from forks
// whose commits are what the fork's branch holds when read (so a push updates them),
// comments, flags on pull requests and commits (same uid: updated), contributors and groups,
// raw files. Tests merge pull requests with mergePullRequest. The bus messages Pagure sends
// for new pull requests, comments and flags have the keys of the real ones.
import { deliver, FakeHttpServer, type Delivery, type FakeRequest, type FakeResponse } from '@packflow/testing';
import { FakeGitStore } from './fake-pagure.git.js';
import {
  projectJson,
  pullRequestJson,
  type FakePagureProject,
  type FakePagurePullRequest,
} from './fake-pagure.json.js';

export interface FakePagureOptions {
  /** API tokens and the user each belongs to. */
  tokens?: Record<string, string>;
  /** Where bus messages go (bearer token), as the bus bridge takes them. */
  messages?: { url: string; token: string };
  /** Also hands every message to this (a test's publisher onto RabbitMQ, as fedora-messaging). */
  onMessage?: (message: Record<string, unknown>) => Promise<void>;
  environment?: string;
}

export interface NewFakeProject {
  owner: string;
  branches?: string[];
  files?: Record<string, string>;
  /** ACL level -> users (`admin`, `commit`, `collaborator`, `ticket`). */
  users?: Record<string, string[]>;
  /** ACL level -> groups. */
  groups?: Record<string, string[]>;
}

const FLAG_STATUSES = ['success', 'failure', 'error', 'pending', 'canceled'];

export class FakePagure extends FakeHttpServer {
  readonly git = new FakeGitStore();
  readonly projects = new Map<string, FakePagureProject>();
  readonly pullRequests: FakePagurePullRequest[] = [];
  readonly groups = new Map<string, string[]>();
  readonly commitFlags = new Map<string, Record<string, unknown>[]>();
  readonly messagesSent: Delivery<Record<string, unknown>>[] = [];
  private nextId = 66000;

  private constructor(private readonly options: FakePagureOptions) {
    super();
    this.routes();
  }

  static async start(options: FakePagureOptions = {}): Promise<FakePagure> {
    return new FakePagure(options).listen();
  }

  override async close(): Promise<void> {
    await super.close();
    this.git.remove();
  }

  protected errorBody(status: number, message: string): unknown {
    return { error: message, error_code: status === 404 ? 'ENOCODE' : 'ENOCODE' };
  }

  /** A project with a bare repository holding `files` on each branch (default `rawhide`). */
  addProject(fullname: string, project: NewFakeProject): FakePagureProject {
    const [namespace, name] = fullname.split('/');
    this.git.create(fullname, project.branches ?? ['rawhide'], project.files ?? {});
    const record: FakePagureProject = {
      id: this.nextId++,
      namespace,
      name,
      fullname,
      owner: project.owner,
      forkOf: null,
      users: { admin: [], collaborator: [], commit: [], ticket: [], ...project.users, owner: [project.owner] },
      groups: { admin: [], collaborator: [], commit: [], ticket: [], ...project.groups },
      created: now(),
    };
    this.projects.set(fullname, record);
    return record;
  }

  addGroup(name: string, members: string[]): void {
    this.groups.set(name, members);
  }

  /** The git URL of a project, or of `user`'s fork of it. */
  gitUrl(fullname: string, forkOwner?: string): string {
    return this.git.url(forkOwner ? `forks/${forkOwner}/${fullname}` : fullname);
  }

  pullRequest(fullname: string, id: number): FakePagurePullRequest {
    const pr = this.pullRequests.find((p) => p.project === fullname && p.id === id);
    if (!pr) throw new Error(`fake Pagure has no pull request ${fullname}#${id}`);
    return pr;
  }

  /** Merges a pull request's current commits into its target branch. */
  mergePullRequest(fullname: string, id: number, by: string): string {
    const pr = this.pullRequest(fullname, id);
    if (pr.status !== 'Open') throw new Error(`fake Pagure: ${fullname}#${id} is ${pr.status}`);
    const head = this.git.fetchInto(fullname, pr.fork, pr.branchFrom, `refs/pull/${id}/head`);
    const merged = this.git.merge(fullname, pr.branch, head, `Merge #${id} \`${pr.title}\``);
    Object.assign(pr, { status: 'Merged', closedBy: by, closedAt: now() });
    return merged;
  }

  private routes(): void {
    this.route('POST', '/api/0/-/whoami', (r) => this.authed(r, (user) => this.json(200, { username: user })));
    this.route('POST', '/api/0/fork', (r) => this.authed(r, (user) => this.fork(r, user)));
    this.route('GET', '/api/0/group/:name', (r) => {
      const members = this.groups.get(r.params.name);
      return members ? this.json(200, { name: r.params.name, members }) : this.fail(404, 'Group not found', 'ENOGROUP');
    });
    this.route('GET', '/api/0/fork/:user/:ns/:repo', (r) =>
      this.withProject(`forks/${r.params.user}/${r.params.ns}/${r.params.repo}`, (p) =>
        this.json(200, this.projectBody(p)),
      ),
    );
    this.route('GET', '/api/0/:ns/:repo', (r) =>
      this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => this.json(200, this.projectBody(p))),
    );
    this.route('GET', '/api/0/:ns/:repo/contributors', (r) =>
      this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => this.json(200, { users: p.users, groups: p.groups })),
    );
    this.route('GET', '/api/0/:ns/:repo/pull-requests', (r) =>
      this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => this.listPullRequests(r, p)),
    );
    this.route('POST', '/api/0/:ns/:repo/pull-request/new', (r) =>
      this.authed(r, (user) =>
        this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => this.newPullRequest(r, p, user)),
      ),
    );
    this.route('GET', '/api/0/:ns/:repo/pull-request/:id', (r) =>
      this.withPullRequest(r, (pr) => this.json(200, this.prBody(pr))),
    );
    this.route('POST', '/api/0/:ns/:repo/pull-request/:id', (r) =>
      this.authed(r, (user) => this.withPullRequest(r, (pr) => this.editPullRequest(r, pr, user))),
    );
    this.route('GET', '/api/0/:ns/:repo/pull-request/:id/diffstats', (r) =>
      this.withPullRequest(r, (pr) =>
        this.json(
          200,
          this.git.diffstat(
            pr.project,
            pr.branch,
            this.git.fetchInto(pr.project, pr.fork, pr.branchFrom, `refs/pull/${pr.id}/head`),
          ),
        ),
      ),
    );
    this.route('POST', '/api/0/:ns/:repo/pull-request/:id/comment', (r) =>
      this.authed(r, (user) => this.withPullRequest(r, (pr) => this.comment(r, pr, user))),
    );
    this.route('POST', '/api/0/:ns/:repo/pull-request/:id/flag', (r) =>
      this.authed(r, (user) => this.withPullRequest(r, (pr) => this.flag(r, user, pr.flags, pr))),
    );
    this.route('POST', '/api/0/:ns/:repo/c/:sha/flag', (r) =>
      this.authed(r, (user) =>
        this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => {
          if (!this.git.hasCommit(p.fullname, r.params.sha)) return this.fail(404, 'Commit not found', 'ENOCOMMIT');
          const key = `${p.fullname}@${r.params.sha}`;
          if (!this.commitFlags.has(key)) this.commitFlags.set(key, []);
          return this.flag(r, user, this.commitFlags.get(key)!, undefined, r.params.sha);
        }),
      ),
    );
    this.route('GET', '/api/0/:ns/:repo/c/:sha/info', (r) =>
      this.withProject(`${r.params.ns}/${r.params.repo}`, (p) => this.commitInfo(p, r.params.sha)),
    );
    this.route('GET', '/:ns/:repo/raw/:ref/f/*path', (r) => {
      const text = this.git.show(`${r.params.ns}/${r.params.repo}`, r.params.ref, r.params.path);
      return text === undefined
        ? { status: 404, text: 'Not Found', contentType: 'text/html' }
        : { status: 200, text, contentType: 'text/plain; charset=utf-8' };
    });
  }

  /** Pagure's commit info (`/c/<sha>/info`): the keys of the real answer, parents included. */
  private commitInfo(project: FakePagureProject, sha: string): FakeResponse {
    if (!/^[0-9a-f]{7,40}$/.test(sha) || !this.git.hasCommit(project.fullname, sha))
      return this.fail(404, 'Commit not found', 'ENOCOMMIT');
    const [hash, tree, parents, author, committer, time, ...message] = this.git
      .git(project.fullname, 'show', '-s', '--format=%H%n%T%n%P%n%an%n%cn%n%ct%n%B', sha)
      .split('\n');
    return this.json(200, {
      author,
      commit_time: Number(time),
      commit_time_offset: 0,
      committer,
      hash,
      message: message.join('\n').trim(),
      parent_ids: parents.split(' ').filter(Boolean),
      tree_id: tree,
    });
  }

  private fail(status: number, error: string, code: string, errors?: Record<string, string[]>): FakeResponse {
    return this.json(status, { error, error_code: code, ...(errors ? { errors } : {}) });
  }

  private async authed(
    request: FakeRequest,
    handler: (user: string) => FakeResponse | Promise<FakeResponse>,
  ): Promise<FakeResponse> {
    const token = /^token\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    const user = token ? this.options.tokens?.[token] : undefined;
    if (!user)
      return this.fail(
        401,
        'Invalid or expired token. Please visit https://src.fedoraproject.org/settings#nav-api-tab to get or renew your API token.',
        'EINVALIDTOK',
      );
    return handler(user);
  }

  private withProject(
    fullname: string,
    handler: (p: FakePagureProject) => FakeResponse | Promise<FakeResponse>,
  ): FakeResponse | Promise<FakeResponse> {
    const project = this.projects.get(fullname);
    return project ? handler(project) : this.fail(404, 'Project not found', 'ENOPROJECT');
  }

  private withPullRequest(
    request: FakeRequest,
    handler: (pr: FakePagurePullRequest) => FakeResponse | Promise<FakeResponse>,
  ): FakeResponse | Promise<FakeResponse> {
    const pr = this.pullRequests.find(
      (p) => p.project === `${request.params.ns}/${request.params.repo}` && p.id === Number(request.params.id),
    );
    return pr ? handler(pr) : this.fail(404, 'Pull-Request not found', 'ENOREQ');
  }

  private form(request: FakeRequest): URLSearchParams {
    if (String(request.headers['content-type'] ?? '').startsWith('application/json'))
      return new URLSearchParams(
        Object.entries((request.body ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [
          k,
          String(v),
        ]),
      );
    return new URLSearchParams(request.rawBody);
  }

  private projectBody(project: FakePagureProject): Record<string, unknown> {
    return projectJson(this.url, project, project.forkOf ? this.projects.get(project.forkOf) : undefined);
  }

  private prBody(pr: FakePagurePullRequest): Record<string, unknown> {
    // Pagure keeps a pull request's commits in the target repository (refs/pull/<id>/head),
    // refreshed when the source branch moves; the fake refreshes when it reads (and counts the
    // commits there: the target branch may hold commits the fork has never seen).
    const head = this.git.head(pr.fork, pr.branchFrom)
      ? this.git.fetchInto(pr.project, pr.fork, pr.branchFrom, `refs/pull/${pr.id}/head`)
      : null;
    const base = this.git.head(pr.project, pr.branch);
    const commits = head && base ? this.git.commitsBetween(pr.project, base, head) : [];
    return pullRequestJson(this.url, pr, this.projects.get(pr.project)!, this.projects.get(pr.fork)!, {
      start: commits[0] ?? head,
      stop: head,
    });
  }

  private fork(request: FakeRequest, user: string): FakeResponse {
    const form = this.form(request);
    const fullname = `${form.get('namespace')}/${form.get('repo')}`;
    const parent = this.projects.get(fullname);
    if (!parent) return this.fail(404, 'Project not found', 'ENOPROJECT');
    const forkName = `forks/${user}/${fullname}`;
    if (this.projects.has(forkName)) return this.fail(400, `Repo "${forkName}" already exists`, 'ENOCODE');
    this.git.fork(fullname, forkName);
    this.projects.set(forkName, {
      ...parent,
      id: this.nextId++,
      fullname: forkName,
      owner: user,
      forkOf: fullname,
      users: { admin: [], collaborator: [], commit: [], ticket: [], owner: [user] },
      groups: { admin: [], collaborator: [], commit: [], ticket: [] },
      created: now(),
    });
    return this.json(200, { message: `Repo "${fullname}" cloned to "${forkName}"` });
  }

  private listPullRequests(request: FakeRequest, project: FakePagureProject): FakeResponse {
    const status = request.query.get('status') ?? 'Open';
    const author = request.query.get('author');
    const matching = this.pullRequests.filter(
      (p) =>
        p.project === project.fullname && (status === 'all' || p.status === status) && (!author || p.user === author),
    );
    return this.json(200, {
      args: { status, author, page: 1, per_page: 100 },
      requests: matching.map((p) => this.prBody(p)),
      total_requests: matching.length,
    });
  }

  private async newPullRequest(request: FakeRequest, project: FakePagureProject, user: string): Promise<FakeResponse> {
    const form = this.form(request);
    const errors: Record<string, string[]> = {};
    for (const field of ['title', 'branch_to', 'branch_from'])
      if (!form.get(field)) errors[field] = ['This field is required.'];
    if (Object.keys(errors).length)
      return this.fail(400, 'Invalid or incomplete input submitted', 'EINVALIDREQ', errors);
    const forkOwner = form.get('repo_from_username');
    const fork = forkOwner
      ? `forks/${forkOwner}/${form.get('repo_from_namespace') ?? project.namespace}/${form.get('repo_from') ?? project.name}`
      : project.fullname;
    if (!this.projects.has(fork)) return this.fail(404, 'Project not found', 'ENOPROJECT');
    if (forkOwner && forkOwner !== user && !this.projects.get(fork)!.users.commit.includes(user))
      return this.fail(403, 'You are not allowed to create a pull-request from this project', 'ENOTHIGHENOUGH');
    if (!this.git.head(project.fullname, form.get('branch_to')!))
      return this.fail(400, 'Branch does not exist', 'ENOCODE');
    if (!this.git.head(fork, form.get('branch_from')!)) return this.fail(400, 'Branch does not exist', 'ENOCODE');
    const pr: FakePagurePullRequest = {
      id: this.pullRequests.filter((p) => p.project === project.fullname).length + 1,
      uid: crypto.randomUUID().replace(/-/g, ''),
      project: project.fullname,
      fork,
      branch: form.get('branch_to')!,
      branchFrom: form.get('branch_from')!,
      title: form.get('title')!,
      initialComment: form.get('initial_comment') || null,
      user,
      status: 'Open',
      created: now(),
      updated: now(),
      closedBy: null,
      closedAt: null,
      comments: [],
      flags: [],
    };
    this.pullRequests.push(pr);
    const body = this.prBody(pr);
    await this.send('pull-request.new', user, { pullrequest: body });
    return this.json(200, body);
  }

  private editPullRequest(request: FakeRequest, pr: FakePagurePullRequest, user: string): FakeResponse {
    const project = this.projects.get(pr.project)!;
    if (pr.user !== user && !project.users.admin.includes(user) && !project.users.owner.includes(user))
      return this.fail(403, 'You are not allowed to edit this pull-request', 'EPRSCORE');
    const form = this.form(request);
    if (!form.get('title'))
      return this.fail(400, 'Invalid or incomplete input submitted', 'EINVALIDREQ', {
        title: ['This field is required.'],
      });
    Object.assign(pr, {
      title: form.get('title'),
      initialComment: form.get('initial_comment') || null,
      updated: now(),
    });
    return this.json(200, this.prBody(pr));
  }

  private async comment(request: FakeRequest, pr: FakePagurePullRequest, user: string): Promise<FakeResponse> {
    const comment = this.form(request).get('comment');
    if (!comment)
      return this.fail(400, 'Invalid or incomplete input submitted', 'EINVALIDREQ', {
        comment: ['This field is required.'],
      });
    pr.comments.push({ id: this.nextId++, comment, user, date_created: String(now()) });
    await this.send('pull-request.comment.added', user, { pullrequest: this.prBody(pr) });
    return this.json(200, { message: 'Comment added' });
  }

  private async flag(
    request: FakeRequest,
    user: string,
    flags: Record<string, unknown>[],
    pr?: FakePagurePullRequest,
    sha?: string,
  ): Promise<FakeResponse> {
    const form = this.form(request);
    const errors: Record<string, string[]> = {};
    for (const field of ['username', 'comment', 'url'])
      if (!form.get(field)) errors[field] = ['This field is required.'];
    const status = form.get('status') ?? 'success';
    if (!FLAG_STATUSES.includes(status)) errors.status = ['Not a valid choice'];
    const uid = form.get('uid') ?? crypto.randomUUID().replace(/-/g, '');
    if (uid.length > 32) errors.uid = ['Field cannot be longer than 32 characters.'];
    if (Object.keys(errors).length)
      return this.fail(400, 'Invalid or incomplete input submitted', 'EINVALIDREQ', errors);
    const existing = flags.find((f) => f.uid === uid);
    const flag = {
      uid,
      username: form.get('username')!,
      comment: form.get('comment')!,
      url: form.get('url')!,
      status,
      percent: form.get('percent') ? Number(form.get('percent')) : null,
      commit_hash: sha ?? (pr ? this.git.head(pr.fork, pr.branchFrom) : null),
      date_created: existing?.date_created ?? String(now()),
      date_updated: String(now()),
      user: { name: user, fullname: user, full_url: `${this.url}/user/${user}`, url_path: `user/${user}` },
    };
    if (existing) Object.assign(existing, flag);
    else flags.push(flag);
    // Pagure's flag JSON has no uid; its answer carries the uid beside the flag.
    const { uid: _uid, ...json } = flag;
    if (pr)
      await this.send(`pull-request.flag.${existing ? 'updated' : 'added'}`, user, {
        flag: json,
        pullrequest: this.prBody(pr),
      });
    return this.json(200, { flag: json, message: existing ? 'Flag updated' : 'Flag added', uid });
  }

  private async send(event: string, agent: string, fields: Record<string, unknown>): Promise<void> {
    const message = {
      topic: `org.fedoraproject.${this.options.environment ?? 'prod'}.pagure.${event}`,
      agent,
      ...fields,
    };
    await this.options.onMessage?.(message);
    const target = this.options.messages;
    this.messagesSent.push(
      await deliver(target?.url, message, target ? { authorization: `Bearer ${target.token}` } : {}),
    );
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}
