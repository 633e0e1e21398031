// Webhook bodies the fake GitLab sends for the events packflow acts on, written after
// GitLab's documented "Merge Request Hook" and "Note Hook" bodies: the fields packflow
// reads plus the usual companions, with web URLs on the configured web host (default
// https://gitlab.com).
import { createHash } from 'node:crypto';

export interface GitlabWebhookContext {
  /** `https://gitlab.com`. */
  web: string;
  /** A user's id on the fake (the same id the users and members API answer with). */
  userId(username: string): number;
}

/** A merge request as the fake remembers it from the last merge request hook it sent. */
export interface FakeMergeRequest {
  project: string;
  iid: number;
  headSha: string;
  sourceBranch: string;
  targetBranch: string;
  /** `group/project` the change comes from (default the project itself). */
  sourceProject: string;
  title: string;
  author: string;
  state: 'opened' | 'closed' | 'merged';
}

export interface MergeRequestEventInput {
  iid: number;
  /** `open` (default), `reopen`, `update`, `close`, `merge`. */
  action?: 'open' | 'reopen' | 'update' | 'close' | 'merge';
  headSha: string;
  /** For `update`: the previous head (GitLab sets `oldrev` only when commits were pushed). */
  oldrev?: string;
  /** Source branch (default `feature`) and target branch (default `main`). */
  sourceBranch?: string;
  targetBranch?: string;
  sourceProject?: string;
  title?: string;
  /** Who did it (default the project's namespace); the MR's author on `open`. */
  sender?: string;
}

export function gitlabId(text: string): number {
  return parseInt(createHash('sha1').update(text).digest('hex').slice(0, 7), 16);
}

export function gitlabUser(username: string, ctx: GitlabWebhookContext) {
  return {
    id: ctx.userId(username),
    name: username,
    username,
    avatar_url: null,
    email: '[REDACTED]',
  };
}

export function gitlabProjectBody(path: string, ctx: GitlabWebhookContext) {
  const name = path.split('/').pop()!;
  const web = `${ctx.web}/${path}`;
  const host = new URL(ctx.web).host;
  return {
    id: gitlabId(path),
    name,
    description: null,
    web_url: web,
    avatar_url: null,
    git_ssh_url: `git@${host}:${path}.git`,
    git_http_url: `${web}.git`,
    namespace: path.split('/').slice(0, -1).join('/'),
    visibility_level: 20,
    path_with_namespace: path,
    default_branch: 'main',
    ci_config_path: null,
    homepage: web,
    url: `git@${host}:${path}.git`,
    ssh_url: `git@${host}:${path}.git`,
    http_url: `${web}.git`,
  };
}

function repositoryBody(path: string, ctx: GitlabWebhookContext) {
  return {
    name: path.split('/').pop()!,
    url: `git@${new URL(ctx.web).host}:${path}.git`,
    description: null,
    homepage: `${ctx.web}/${path}`,
  };
}

function commitBody(project: string, sha: string, ctx: GitlabWebhookContext) {
  return {
    id: sha,
    message: `Change at ${sha.slice(0, 8)}\n`,
    title: `Change at ${sha.slice(0, 8)}`,
    timestamp: new Date().toISOString().replace(/\.\d+Z$/, '+00:00'),
    url: `${ctx.web}/${project}/-/commit/${sha}`,
    author: { name: 'A Developer', email: 'dev@example.com' },
  };
}

/** The merge request attributes both hooks carry (`object_attributes` / `merge_request`). */
function mergeRequestBody(mr: FakeMergeRequest, ctx: GitlabWebhookContext) {
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return {
    id: gitlabId(`${mr.project}!${mr.iid}`),
    iid: mr.iid,
    target_branch: mr.targetBranch,
    source_branch: mr.sourceBranch,
    source_project_id: gitlabId(mr.sourceProject),
    target_project_id: gitlabId(mr.project),
    author_id: ctx.userId(mr.author),
    assignee_id: null,
    assignee_ids: [],
    reviewer_ids: [],
    title: mr.title,
    description: '',
    created_at: now,
    updated_at: now,
    milestone_id: null,
    head_pipeline_id: null,
    last_edited_at: null,
    last_edited_by_id: null,
    updated_by_id: null,
    merge_commit_sha: null,
    merge_error: null,
    merge_params: { force_remove_source_branch: '1' },
    merge_user_id: null,
    merge_when_pipeline_succeeds: false,
    time_estimate: 0,
    total_time_spent: 0,
    human_total_time_spent: null,
    human_time_estimate: null,
    state_id: { opened: 1, closed: 2, merged: 3 }[mr.state],
    state: mr.state,
    merge_status: 'can_be_merged',
    detailed_merge_status: 'mergeable',
    draft: false,
    work_in_progress: false,
    url: `${ctx.web}/${mr.project}/-/merge_requests/${mr.iid}`,
    source: gitlabProjectBody(mr.sourceProject, ctx),
    target: gitlabProjectBody(mr.project, ctx),
    last_commit: commitBody(mr.sourceProject, mr.headSha, ctx),
    labels: [],
  };
}

export function mergeRequestPayload(
  mr: FakeMergeRequest,
  input: MergeRequestEventInput,
  sender: string,
  ctx: GitlabWebhookContext,
) {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: gitlabUser(sender, ctx),
    project: gitlabProjectBody(mr.project, ctx),
    repository: repositoryBody(mr.project, ctx),
    object_attributes: {
      ...mergeRequestBody(mr, ctx),
      action: input.action ?? 'open',
      ...(input.action === 'update' && input.oldrev ? { oldrev: input.oldrev } : {}),
    },
    labels: [],
    changes: input.action === 'update' ? { updated_at: { previous: null, current: new Date().toISOString() } } : {},
  };
}

export function notePayload(
  mr: FakeMergeRequest,
  body: string,
  options: { sender: string; noteId: number; action: 'create' | 'update' },
  ctx: GitlabWebhookContext,
) {
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const project = gitlabProjectBody(mr.project, ctx);
  return {
    object_kind: 'note',
    event_type: 'note',
    user: gitlabUser(options.sender, ctx),
    project_id: project.id,
    project,
    repository: repositoryBody(mr.project, ctx),
    object_attributes: {
      id: options.noteId,
      note: body,
      noteable_type: 'MergeRequest',
      author_id: ctx.userId(options.sender),
      created_at: now,
      updated_at: now,
      project_id: project.id,
      attachment: null,
      line_code: null,
      commit_id: '',
      discussion_id: createHash('sha1').update(`note ${options.noteId}`).digest('hex'),
      type: null,
      position: null,
      original_position: null,
      change_position: null,
      resolved_at: null,
      resolved_by_id: null,
      resolved_by_push: null,
      updated_by_id: null,
      description: body,
      noteable_id: gitlabId(`${mr.project}!${mr.iid}`),
      system: false,
      st_diff: null,
      action: options.action,
      url: `${ctx.web}/${mr.project}/-/merge_requests/${mr.iid}#note_${options.noteId}`,
    },
    merge_request: mergeRequestBody(mr, ctx),
  };
}

/** One pushed commit as a Push Hook lists it. */
export interface PushedCommit {
  sha: string;
  message: string;
  author: { name: string; email: string };
  timestamp: string;
}

/** A "Push Hook" body (GitLab's documented fields packflow reads, and their usual companions). */
export function pushPayload(
  project: string,
  push: { branch: string; before: string; after: string; sender: string; commits: PushedCommit[] },
  ctx: GitlabWebhookContext,
) {
  const body = gitlabProjectBody(project, ctx);
  return {
    object_kind: 'push',
    event_name: 'push',
    before: push.before,
    after: push.after,
    ref: `refs/heads/${push.branch}`,
    ref_protected: true,
    checkout_sha: push.after,
    message: null,
    user_id: ctx.userId(push.sender),
    user_name: push.sender,
    user_username: push.sender,
    user_email: '',
    user_avatar: null,
    project_id: body.id,
    project: body,
    commits: push.commits.slice(-20).map((c) => ({
      id: c.sha,
      message: c.message,
      title: c.message.split('\n')[0],
      timestamp: c.timestamp,
      url: `${ctx.web}/${project}/-/commit/${c.sha}`,
      author: c.author,
    })),
    total_commits_count: push.commits.length,
    repository: repositoryBody(project, ctx),
  };
}

/** A "Pipeline Hook" body for a merge request pipeline (or a branch pipeline without `mergeRequest`). */
export function pipelinePayload(
  project: string,
  pipeline: {
    id: number;
    sha: string;
    ref: string;
    status: string;
    source: string;
    sender: string;
    mergeRequest?: { iid: number; sourceProject: string; sourceBranch: string; targetBranch: string; title: string };
    /** The pipeline's jobs (GitLab's `builds`), as in the fixture gitlab_mr_pipeline.json. */
    jobs?: FakePipelineJob[];
  },
  ctx: GitlabWebhookContext,
) {
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const finished = ['success', 'failed', 'canceled', 'skipped'].includes(pipeline.status);
  const mr = pipeline.mergeRequest;
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id: pipeline.id,
      iid: pipeline.id % 1000,
      name: null,
      ref: pipeline.ref,
      tag: false,
      sha: pipeline.sha,
      before_sha: '0000000000000000000000000000000000000000',
      source: pipeline.source,
      status: pipeline.status,
      detailed_status: pipeline.status,
      stages: ['test'],
      created_at: now,
      finished_at: finished ? now : null,
      duration: finished ? 60 : null,
      queued_duration: 1,
      variables: [],
      url: `${ctx.web}/${project}/-/pipelines/${pipeline.id}`,
    },
    merge_request: mr
      ? {
          id: gitlabId(`${project}!${mr.iid}`),
          iid: mr.iid,
          title: mr.title,
          source_branch: mr.sourceBranch,
          source_project_id: gitlabId(mr.sourceProject),
          target_branch: mr.targetBranch,
          target_project_id: gitlabId(project),
          state: 'opened',
          merge_status: 'can_be_merged',
          detailed_merge_status: 'mergeable',
          url: `${ctx.web}/${project}/-/merge_requests/${mr.iid}`,
        }
      : null,
    user: gitlabUser(pipeline.sender, ctx),
    project: gitlabProjectBody(project, ctx),
    commit: commitBody(project, pipeline.sha, ctx),
    builds: (pipeline.jobs ?? []).map((job) => {
      const started = job.status !== 'created' && job.status !== 'pending' && job.status !== 'manual';
      const done = FINISHED_JOB.has(job.status);
      return {
        id: job.id,
        stage: job.stage ?? 'test',
        name: job.name,
        status: job.status,
        created_at: now,
        started_at: started ? now : null,
        finished_at: done ? now : null,
        duration: done ? 14.1 : null,
        queued_duration: started ? 1.2 : null,
        when: job.status === 'manual' ? 'manual' : 'on_success',
        manual: job.status === 'manual',
        allow_failure: job.allowFailure ?? false,
        user: gitlabUser(pipeline.sender, ctx),
        runner: null,
        artifacts_file: { filename: null, size: null },
        environment: null,
      };
    }),
  };
}

/** A job of a fake pipeline hook: GitLab's job statuses (`created`, `pending`, `running`, `success`, `failed`…). */
export interface FakePipelineJob {
  id: number;
  name: string;
  status: string;
  stage?: string;
  allowFailure?: boolean;
}

const FINISHED_JOB = new Set(['success', 'failed', 'canceled', 'skipped']);

/** A "Tag Push Hook" body for a new tag (GitLab's documented fields, as in its tag_push events). */
export function tagPushPayload(
  project: string,
  tag: { name: string; sha: string; sender: string },
  ctx: GitlabWebhookContext,
) {
  const body = gitlabProjectBody(project, ctx);
  return {
    object_kind: 'tag_push',
    event_name: 'tag_push',
    before: '0'.repeat(40),
    after: tag.sha,
    ref: `refs/tags/${tag.name}`,
    checkout_sha: tag.sha,
    message: '',
    user_id: ctx.userId(tag.sender),
    user_name: tag.sender,
    user_username: tag.sender,
    user_email: '',
    user_avatar: null,
    project_id: body.id,
    project: body,
    commits: [commitBody(project, tag.sha, ctx)],
    total_commits_count: 1,
    push_options: {},
    repository: repositoryBody(project, ctx),
  };
}

/** The source archives GitLab lists with a release of `tag`. */
export function releaseSources(project: string, tag: string, ctx: GitlabWebhookContext) {
  const repo = project.split('/').pop()!;
  return ['zip', 'tar.gz', 'tar.bz2', 'tar'].map((format) => ({
    format,
    url: `${ctx.web}/${project}/-/archive/${tag}/${repo}-${tag}.${format}`,
  }));
}

/** A "Release Hook" body (action `create`): the release, its tag, source archives and commit. */
export function releasePayload(
  project: string,
  release: { tag: string; sha: string; name?: string },
  ctx: GitlabWebhookContext,
) {
  const web = `${ctx.web}/${project}`;
  const now = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  return {
    id: gitlabId(`${project}@${release.tag}`),
    created_at: now,
    description: '',
    name: release.name ?? release.tag,
    released_at: now,
    tag: release.tag,
    object_kind: 'release',
    project: gitlabProjectBody(project, ctx),
    url: `${web}/-/releases/${release.tag}`,
    action: 'create',
    assets: { count: 4, links: [], sources: releaseSources(project, release.tag, ctx) },
    commit: commitBody(project, release.sha, ctx),
  };
}
