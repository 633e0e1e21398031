// The shapes of GitLab's projects, merge requests and notes as the GitLab driver hands them
// out, and their readers from GitLab's JSON (what the stream ecosystem works with).

/** A project as the stream ecosystem needs it: where to clone and push, and its id. */
export interface GitlabProject {
  id: number;
  pathWithNamespace: string;
  /** The HTTP(S) clone URL (a file:// URL on the fake GitLab). */
  httpUrlToRepo: string;
  webUrl: string;
  defaultBranch: string | null;
  /** The id of the project this one is a fork of, if it is one. */
  forkedFromId: number | null;
}

export interface GitlabMergeRequest {
  iid: number;
  /** The target project's id. */
  projectId: number;
  sourceProjectId: number;
  sourceBranch: string;
  targetBranch: string;
  /** `opened`, `closed`, `merged`, `locked`. */
  state: string;
  /** The head commit. */
  sha: string | null;
  title: string;
  description: string | null;
  webUrl: string;
  author: string | null;
}

export interface GitlabNote {
  id: string;
  body: string;
  author: string | null;
  system: boolean;
}

export interface NewMergeRequest {
  sourceBranch: string;
  targetBranch: string;
  /** Where the merge request goes (from a fork: the upstream project's id). */
  targetProjectId?: number;
  title: string;
  description?: string;
}

export interface ProjectBody {
  id: number;
  path_with_namespace: string;
  http_url_to_repo: string;
  web_url: string;
  default_branch?: string | null;
  forked_from_project?: { id: number } | null;
}

export interface MergeRequestBody {
  iid: number;
  project_id: number;
  source_project_id: number;
  source_branch: string;
  target_branch: string;
  state: string;
  sha?: string | null;
  title: string;
  description?: string | null;
  web_url: string;
  author?: { username?: string } | null;
}

export interface NoteBody {
  id: number;
  body: string;
  system?: boolean;
  author?: { username?: string } | null;
}

export function projectOf(body: ProjectBody): GitlabProject {
  return {
    id: body.id,
    pathWithNamespace: body.path_with_namespace,
    httpUrlToRepo: body.http_url_to_repo,
    webUrl: body.web_url,
    defaultBranch: body.default_branch ?? null,
    forkedFromId: body.forked_from_project?.id ?? null,
  };
}

export function mergeRequestOf(body: MergeRequestBody): GitlabMergeRequest {
  return {
    iid: body.iid,
    projectId: body.project_id,
    sourceProjectId: body.source_project_id,
    sourceBranch: body.source_branch,
    targetBranch: body.target_branch,
    state: body.state,
    sha: body.sha ?? null,
    title: body.title,
    description: body.description ?? null,
    webUrl: body.web_url,
    author: body.author?.username ?? null,
  };
}

export type GitlabStatusState = 'pending' | 'running' | 'success' | 'failed' | 'canceled';

export interface CommitStatusInput {
  state: GitlabStatusState;
  name: string;
  targetUrl?: string;
  /** One line; GitLab keeps 255 characters. */
  description?: string;
  ref?: string;
}

export interface CommitStatus {
  id: string;
  name: string;
  status: string;
  sha: string;
  ref: string | null;
  targetUrl: string | null;
  description: string | null;
}

export interface StatusBody {
  id: number;
  name: string;
  status: string;
  sha: string;
  ref?: string | null;
  target_url?: string | null;
  description?: string | null;
}

export interface DiffBody {
  old_path?: string;
  new_path?: string;
}

/** A commit status as GitLab's API answers it. */
export function statusOf(body: StatusBody): CommitStatus {
  return {
    id: String(body.id),
    name: body.name,
    status: body.status,
    sha: body.sha,
    ref: body.ref ?? null,
    targetUrl: body.target_url ?? null,
    description: body.description ?? null,
  };
}

/** Every path a list of diffs touches (old and new names). */
export function changedPaths(diffs: DiffBody[]): string[] {
  const out = new Set<string>();
  for (const d of diffs) {
    if (d.new_path) out.add(d.new_path);
    if (d.old_path) out.add(d.old_path);
  }
  return [...out];
}
