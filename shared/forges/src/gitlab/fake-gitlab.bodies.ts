// The answers of the fake GitLab's REST API, shaped as GitLab v4 shapes them: commit
// statuses, notes and diffs. Pure functions of the fake's state (the author's user body
// is handed in).
import { createHash } from 'node:crypto';
import type { FakeGitlabDiff, FakeGitlabNote, FakeGitlabStatus } from './fake-gitlab.types.js';

/** A commit status, by the token's user. */
export function statusBody(s: FakeGitlabStatus, author: unknown) {
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

/** A note on a merge request or issue. */
export function noteBody(note: FakeGitlabNote, author: unknown) {
  const type = note.noteableType;
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
    noteable_type: type,
    noteable_iid: note.iid,
    resolvable: false,
    confidential: false,
    internal: false,
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
