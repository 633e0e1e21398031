// The fake GitHub's answers as the GitHub REST API shapes them: installations, issue
// comments, changed files, file contents, commits of tags, users, and list pages with
// GitHub's `Link` header. Pure functions of what the fake stores.
import { createHash } from 'node:crypto';
import type { FakeRequest } from '@packflow/testing/fakes';
import type { FakeInstallation } from './fake-github.app.js';

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

export function installationBody(inst: FakeInstallation, app: { id: number; slug: string }) {
  return {
    id: inst.id,
    account: { login: inst.account, type: 'Organization' },
    app_id: app.id,
    app_slug: app.slug,
    repository_selection: inst.repositories === '*' ? 'all' : 'selected',
    permissions: { checks: 'write', contents: 'read', issues: 'write', pull_requests: 'write' },
    events: [],
  };
}

export function commentBody(comment: FakeComment, webUrl: string) {
  return {
    id: comment.id,
    node_id: Buffer.from(`IssueComment${comment.id}`).toString('base64'),
    html_url: `${webUrl}/${comment.repo}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
    body: comment.body,
    user: { login: comment.user, id: 1, type: 'Bot' },
    created_at: comment.createdAt,
    updated_at: comment.createdAt,
    author_association: 'NONE',
  };
}

export function changedFileBody(repo: string, f: FakeChangedFile, webUrl: string) {
  return {
    sha: createHash('sha1').update(f.filename).digest('hex'),
    filename: f.filename,
    status: f.status ?? (f.previousFilename ? 'renamed' : 'modified'),
    additions: 1,
    deletions: 0,
    changes: 1,
    blob_url: `${webUrl}/${repo}/blob/HEAD/${f.filename}`,
    ...(f.previousFilename ? { previous_filename: f.previousFilename } : {}),
  };
}

/** A file's contents answer: base64 in lines of 60, the blob sha git gives it. */
export function contentsBody(
  file: { repo: string; ref: string; path: string; content: string },
  urls: { api: string; web: string },
) {
  const { repo, ref, path } = file;
  const raw = Buffer.from(file.content, 'utf8');
  const sha = createHash('sha1').update(`blob ${raw.length}\0`).update(raw).digest('hex');
  return {
    type: 'file',
    encoding: 'base64',
    size: raw.length,
    name: path.split('/').pop(),
    path,
    content: raw.toString('base64').replace(/(.{60})/g, '$1\n'),
    sha,
    url: `${urls.api}/repos/${repo}/contents/${path}?ref=${ref}`,
    html_url: `${urls.web}/${repo}/blob/${ref}/${path}`,
    download_url: `${urls.api}/raw/${repo}/${ref}/${path}`,
  };
}

/** The commit a tag points at. */
export function tagCommitBody(repo: string, tag: string, sha: string, urls: { api: string; web: string }) {
  return {
    sha,
    url: `${urls.api}/repos/${repo}/commits/${sha}`,
    html_url: `${urls.web}/${repo}/commit/${sha}`,
    commit: { message: `Release ${tag}`, tree: { sha: createHash('sha1').update(sha).digest('hex') } },
    parents: [],
  };
}

export function userBody(login: string, webUrl: string) {
  const web = `${webUrl}/${login}`;
  return { login, id: idOf(login), type: 'User', name: login, avatar_url: `${web}.png`, html_url: web };
}

export function idOf(login: string): number {
  return parseInt(createHash('sha1').update(login).digest('hex').slice(0, 7), 16);
}

/** A page of a list and GitHub's `Link` header (`per_page` default 30, at most 100). */
export function pageOf(r: FakeRequest, items: unknown[], baseUrl: string) {
  const perPage = Math.min(100, Number(r.query.get('per_page') ?? 30) || 30);
  const page = Math.max(1, Number(r.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number) => {
    const u = new URL(`${baseUrl}${r.path}`);
    r.query.forEach((v, k) => u.searchParams.set(k, v));
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const links = page < last ? [`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`] : [];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : undefined,
  };
}
