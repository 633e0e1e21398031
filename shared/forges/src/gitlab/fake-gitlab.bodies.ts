// The fake GitLab's answers as GitLab REST API v4 shapes them: commit statuses, notes,
// users, members, diffs, a project's `permissions`, and pages with GitLab's pagination
// headers. Pure functions of what the fake stores.
import { createHash } from 'node:crypto';
import type { FakeRequest } from '@packflow/testing/fakes';
import type { FakeGitlabDiff, FakeGitlabNote, FakeGitlabStatus } from './fake-gitlab.types.js';

export function userBody(username: string, id: number, url: string) {
  return { id, username, name: username, state: 'active', avatar_url: null, web_url: `${url}/${username}` };
}

export function statusBody(s: FakeGitlabStatus, author: ReturnType<typeof userBody>) {
  return {
    id: s.id,
    sha: s.sha,
    ref: s.ref,
    status: s.status,
    name: s.name,
    target_url: s.targetUrl,
    description: s.description,
    created_at: s.createdAt,
    started_at: s.startedAt,
    finished_at: s.finishedAt,
    allow_failure: false,
    coverage: null,
    pipeline_id: 1,
    author,
  };
}

export function noteBody(note: FakeGitlabNote, author: ReturnType<typeof userBody>) {
  return {
    id: note.id,
    type: null,
    body: note.body,
    attachment: null,
    author,
    created_at: note.createdAt,
    updated_at: note.createdAt,
    system: false,
    noteable_id: note.iid,
    noteable_type: note.noteableType,
    noteable_iid: note.iid,
    resolvable: false,
    confidential: false,
    internal: false,
  };
}

export function memberBody(user: ReturnType<typeof userBody>, level: number) {
  return {
    ...user,
    access_level: level,
    created_at: new Date().toISOString(),
    expires_at: null,
    membership_state: 'active',
  };
}

/** A project's `permissions` for the caller: its own membership (null when it has none). */
export function permissionsBody(level: number | undefined) {
  return {
    project_access: level === undefined ? null : { access_level: level, notification_level: 3 },
    group_access: null,
  };
}

export function diff(d: string | FakeGitlabDiff): FakeGitlabDiff {
  return typeof d === 'string' ? { newPath: d } : d;
}

export function diffBody(d: FakeGitlabDiff) {
  return {
    old_path: d.oldPath ?? d.newPath,
    new_path: d.newPath,
    a_mode: '100644',
    b_mode: '100644',
    new_file: d.newFile ?? false,
    renamed_file: d.oldPath !== undefined && d.oldPath !== d.newPath,
    deleted_file: d.deletedFile ?? false,
    diff: `@@ -1 +1 @@\n-${createHash('sha1').update(d.newPath).digest('hex').slice(0, 8)}\n+changed\n`,
  };
}

/** A page of a list and GitLab's pagination headers (`per_page` default 20, at most 100). */
export function pageOf(r: FakeRequest, items: unknown[], baseUrl: string) {
  const perPage = Math.min(100, Number(r.query.get('per_page') ?? 20) || 20);
  const page = Math.max(1, Number(r.query.get('page') ?? 1) || 1);
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number) => {
    const u = new URL(`${baseUrl}${r.path}`);
    r.query.forEach((v, k) => u.searchParams.set(k, v));
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links = [`<${link(1)}>; rel="first"`, `<${link(pages)}>; rel="last"`];
  if (page < pages) links.unshift(`<${link(page + 1)}>; rel="next"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(pages),
      ...(page < pages ? { 'x-next-page': String(page + 1) } : {}),
    } as Record<string, string>,
  };
}
