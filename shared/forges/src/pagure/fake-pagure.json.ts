// The fake Pagure's state and the JSON it answers with: projects and pull requests with
// the keys of Pagure's own (the `pullrequest` of messages/pagure_pr_new.json).

export interface FakePagureProject {
  id: number;
  namespace: string;
  name: string;
  /** `rpms/hello`, or `forks/alice/rpms/hello` for a fork. */
  fullname: string;
  owner: string;
  forkOf: string | null;
  users: Record<string, string[]>;
  groups: Record<string, string[]>;
  created: number;
}

export interface FakePagurePullRequest {
  id: number;
  uid: string;
  /** Fullname of the project it goes into, and of the one it comes from. */
  project: string;
  fork: string;
  branch: string;
  branchFrom: string;
  title: string;
  initialComment: string | null;
  user: string;
  status: 'Open' | 'Merged' | 'Closed';
  created: number;
  updated: number;
  closedBy: string | null;
  closedAt: number | null;
  comments: { id: number; comment: string; user: string; date_created: string }[];
  flags: Record<string, unknown>[];
}

export function userJson(base: string, name: string): Record<string, unknown> {
  return { full_url: `${base}/user/${name}`, fullname: name, name, url_path: `user/${name}` };
}

/** The path of a project's pages: `rpms/hello`, `fork/alice/rpms/hello`. */
function urlPath(project: FakePagureProject): string {
  return project.forkOf ? `fork/${project.owner}/${project.namespace}/${project.name}` : project.fullname;
}

export function projectJson(
  base: string,
  project: FakePagureProject,
  parent?: FakePagureProject,
): Record<string, unknown> {
  const { owner, ...users } = project.users;
  return {
    access_groups: { admin: [], collaborator: [], commit: [], ticket: [], ...project.groups },
    access_users: { admin: [], collaborator: [], commit: [], ticket: [], ...users, owner },
    close_status: [],
    custom_keys: [],
    date_created: String(project.created),
    date_modified: String(project.created),
    description: `The ${project.name} package\n`,
    full_url: `${base}/${urlPath(project)}`,
    fullname: project.fullname,
    id: project.id,
    milestones: {},
    name: project.name,
    namespace: project.namespace,
    parent: parent ? projectJson(base, parent) : null,
    priorities: {},
    tags: [],
    url_path: urlPath(project),
    user: userJson(base, project.owner),
  };
}

export function pullRequestJson(
  base: string,
  pr: FakePagurePullRequest,
  project: FakePagureProject,
  fork: FakePagureProject,
  commits: { start: string | null; stop: string | null },
): Record<string, unknown> {
  const forkParent = fork.forkOf === project.fullname ? project : undefined;
  return {
    assignee: null,
    branch: pr.branch,
    branch_from: pr.branchFrom,
    cached_merge_status: 'unknown',
    closed_at: pr.closedAt === null ? null : String(pr.closedAt),
    closed_by: pr.closedBy ? userJson(base, pr.closedBy) : null,
    comments: pr.comments.map((c) => ({
      id: c.id,
      comment: c.comment,
      commit: null,
      date_created: c.date_created,
      edited_on: null,
      editor: null,
      filename: null,
      line: null,
      notification: false,
      parent: null,
      reactions: {},
      tree: null,
      user: userJson(base, c.user),
    })),
    commit_start: commits.start,
    commit_stop: commits.stop,
    date_created: String(pr.created),
    full_url: `${base}/${project.fullname}/pull-request/${pr.id}`,
    id: pr.id,
    initial_comment: pr.initialComment,
    last_updated: String(pr.updated),
    project: projectJson(base, project),
    remote_git: null,
    repo_from: fork.fullname === project.fullname ? projectJson(base, project) : projectJson(base, fork, forkParent),
    status: pr.status,
    tags: [],
    threshold_reached: null,
    title: pr.title,
    uid: pr.uid,
    updated_on: String(pr.updated),
    user: userJson(base, pr.user),
  };
}
