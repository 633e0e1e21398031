// The fake GitLab's tags and releases, answered as GitLab's REST API v4 does: a tag
// (`repository/tags/:tag`, its `commit` the commit it points at), releases newest first
// by `released_at` (`releases`), one release (`releases/:tag`), and the latest release's
// permanent link (`releases/permalink/latest`), which GitLab answers with a 302 to that
// release under the project's numeric id. Tags come from the tag pushes and releases the
// fake sends hooks for, or from `setTag`/`addRelease`; tags are lightweight (`target` is
// the commit).
import type { FakeRequest, FakeResponse } from '@packflow/testing';
import { gitlabId, releaseSources, type GitlabWebhookContext } from './fake-gitlab.events.js';
import type { FakeRoute as Route } from './fake-gitlab.projects.js';

interface Helpers {
  route: Route;
  json(status: number, body: unknown, headers?: Record<string, string>): FakeResponse;
  error(status: number, message: string): FakeResponse;
  authorized(r: FakeRequest): FakeResponse | undefined;
  page(r: FakeRequest, items: unknown[]): FakeResponse;
  ctx(): GitlabWebhookContext;
  botUser(): string;
}

export interface FakeGitlabTag {
  project: string;
  name: string;
  sha: string;
  createdAt: string;
}

export interface FakeGitlabRelease {
  project: string;
  tag: string;
  name: string;
  description: string;
  createdAt: string;
  releasedAt: string;
}

export class FakeGitlabReleases {
  readonly tags: FakeGitlabTag[] = [];
  readonly releases: FakeGitlabRelease[] = [];
  /** Numeric project ids (the permalink's redirect names the project by id) -> paths. */
  private readonly paths = new Map<string, string>();

  constructor(private readonly h: Helpers) {
    const p = '/api/v4/projects/:project';
    h.route('GET', `${p}/repository/tags/:tag`, (r) => this.answer(r, (project) => this.showTag(project, r)));
    h.route('GET', `${p}/releases`, (r) =>
      this.answer(r, (project) =>
        h.page(
          r,
          this.releasesOf(project).map((x) => this.releaseBody(x)),
        ),
      ),
    );
    h.route('GET', `${p}/releases/permalink/latest`, (r) => this.answer(r, (project) => this.latest(project)));
    h.route('GET', `${p}/releases/:tag`, (r) =>
      this.answer(r, (project) => {
        const release = this.releasesOf(project).find((x) => x.tag === r.params.tag);
        return release ? h.json(200, this.releaseBody(release)) : h.error(404, '404 Not Found');
      }),
    );
  }

  /** A tag at `sha` (moved there when it exists: a test's force push). */
  setTag(project: string, name: string, sha: string): void {
    this.paths.set(String(gitlabId(project)), project);
    const existing = this.tags.find((t) => t.project === project && t.name === name);
    if (existing) existing.sha = sha;
    else this.tags.push({ project, name, sha, createdAt: new Date().toISOString() });
  }

  /** A release of `tag` at `sha` (the tag is made when missing), released now unless `releasedAt`. */
  addRelease(project: string, release: { tag: string; sha: string; name?: string; releasedAt?: string }): void {
    if (!this.tags.some((t) => t.project === project && t.name === release.tag))
      this.setTag(project, release.tag, release.sha);
    const now = new Date().toISOString();
    this.releases.push({
      project,
      tag: release.tag,
      name: release.name ?? release.tag,
      description: '',
      createdAt: now,
      releasedAt: release.releasedAt ?? now,
    });
  }

  /** The request with its project as a path (GitLab takes the numeric id too), checked for access. */
  private answer(r: FakeRequest, handle: (project: string) => FakeResponse): FakeResponse {
    const project = this.paths.get(r.params.project) ?? r.params.project;
    return this.h.authorized({ ...r, params: { ...r.params, project } }) ?? handle(project);
  }

  private releasesOf(project: string): FakeGitlabRelease[] {
    // GitLab's default order: released_at, newest first.
    return this.releases
      .filter((x) => x.project.toLowerCase() === project.toLowerCase())
      .sort((a, b) => b.releasedAt.localeCompare(a.releasedAt));
  }

  private tagOf(project: string, name: string): FakeGitlabTag | undefined {
    return this.tags.find((t) => t.project.toLowerCase() === project.toLowerCase() && t.name === name);
  }

  private showTag(project: string, r: FakeRequest): FakeResponse {
    const tag = this.tagOf(project, r.params.tag);
    if (!tag) return this.h.error(404, '404 Tag Not Found');
    const release = this.releasesOf(project).find((x) => x.tag === tag.name);
    return this.h.json(200, {
      name: tag.name,
      message: '',
      target: tag.sha,
      commit: this.commitBody(project, tag.sha),
      release: release ? { tag_name: release.tag, description: release.description } : null,
      protected: false,
      created_at: null,
    });
  }

  private latest(project: string): FakeResponse {
    const release = this.releasesOf(project).find((x) => x.releasedAt <= new Date().toISOString());
    if (!release) return this.h.error(404, '404 Not Found');
    const location = `/api/v4/projects/${gitlabId(release.project)}/releases/${encodeURIComponent(release.tag)}`;
    return { status: 302, text: '', contentType: 'text/plain', headers: { location } };
  }

  private releaseBody(release: FakeGitlabRelease) {
    const ctx = this.h.ctx();
    const web = `${ctx.web}/${release.project}`;
    const sha = this.tagOf(release.project, release.tag)?.sha ?? '';
    const author = this.h.botUser();
    return {
      tag_name: release.tag,
      description: release.description,
      name: release.name,
      created_at: release.createdAt,
      released_at: release.releasedAt,
      upcoming_release: release.releasedAt > new Date().toISOString(),
      author: { id: ctx.userId(author), username: author, name: author, state: 'active' },
      commit: this.commitBody(release.project, sha),
      milestones: [],
      commit_path: `/${release.project}/-/commit/${sha}`,
      tag_path: `/${release.project}/-/tags/${release.tag}`,
      assets: { count: 4, sources: releaseSources(release.project, release.tag, ctx), links: [] },
      evidences: [],
      _links: { self: `${web}/-/releases/${release.tag}` },
    };
  }

  private commitBody(project: string, sha: string) {
    const at = new Date().toISOString();
    return {
      id: sha,
      short_id: sha.slice(0, 8),
      title: `Change at ${sha.slice(0, 8)}`,
      created_at: at,
      parent_ids: [],
      message: `Change at ${sha.slice(0, 8)}\n`,
      author_name: 'A Developer',
      author_email: 'dev@example.com',
      authored_date: at,
      committer_name: 'A Developer',
      committer_email: 'dev@example.com',
      committed_date: at,
      web_url: `${this.h.ctx().web}/${project}/-/commit/${sha}`,
    };
  }
}
