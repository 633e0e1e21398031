import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/core';
import { validateEvent } from '@packflow/events';
import { parseGitlab } from './gitlab.parser.js';

const gitlabProject = {
  web_url: 'https://gitlab.com/redhat/centos-stream/rpms/bash',
  path_with_namespace: 'redhat/centos-stream/rpms/bash',
  default_branch: 'c10s',
};
const project = {
  forge: 'gitlab',
  instanceUrl: 'https://gitlab.com',
  namespace: 'redhat/centos-stream/rpms',
  repo: 'bash',
};
const user = { username: 'alice' };
const SHA = 'abcabcabcabcabcabcabcabcabcabcabcabcabca';

function mr(attrs: Record<string, unknown>) {
  return {
    object_kind: 'merge_request',
    user,
    project: gitlabProject,
    labels: [{ title: 'ci' }],
    object_attributes: {
      iid: 3,
      title: 'Update',
      url: 'https://gitlab.com/redhat/centos-stream/rpms/bash/-/merge_requests/3',
      source_branch: 'fix',
      target_branch: 'c10s',
      state: 'opened',
      source: { web_url: 'https://gitlab.com/bob/bash', path_with_namespace: 'bob/bash' },
      last_commit: { id: SHA },
      ...attrs,
    },
  };
}

describe('parseGitlab', () => {
  it.each([
    ['open', 'pull_request.opened', false],
    ['reopen', 'pull_request.reopened', false],
    ['close', 'pull_request.closed', false],
    ['merge', 'pull_request.closed', true],
  ])('parses merge request %s', (action, type, merged) => {
    const event = parseGitlab('Merge Request Hook', mr({ action }));
    expect(event).toEqual({
      type,
      source: 'gitlab',
      project,
      ref: { kind: 'pull_request', name: '3' },
      sha: SHA,
      actor: 'alice',
      defaultBranch: 'c10s',
      labels: ['ci'],
      pullRequest: {
        number: 3,
        title: 'Update',
        url: 'https://gitlab.com/redhat/centos-stream/rpms/bash/-/merge_requests/3',
        sourceBranch: 'fix',
        targetBranch: 'c10s',
        sourceProject: { forge: 'gitlab', instanceUrl: 'https://gitlab.com', namespace: 'bob', repo: 'bash' },
        merged,
      },
    });
    validateEvent(event);
  });

  it('treats an update with new commits as synchronize, and other updates as ignored', () => {
    expect(parseGitlab('Merge Request Hook', mr({ action: 'update', oldrev: 'f'.repeat(40) }))).toMatchObject({
      type: 'pull_request.synchronize',
    });
    expect(parseGitlab('Merge Request Hook', mr({ action: 'update' }))).toEqual({
      ignored: 'merge request updated without new commits',
      type: 'merge_request.update',
    });
    expect(parseGitlab('Merge Request Hook', mr({ action: 'approved' }))).toMatchObject({
      ignored: expect.any(String),
    });
  });

  it('reads a hook without action from its state', () => {
    expect(parseGitlab('Merge Request Hook', mr({}))).toMatchObject({ type: 'pull_request.opened' });
    expect(() => parseGitlab('Merge Request Hook', mr({ state: 'locked' }))).toThrow(
      'object_attributes.action: expected a merge request action, got nothing',
    );
  });

  it('names the missing field', () => {
    expect(() => parseGitlab('Merge Request Hook', mr({ action: 'open', last_commit: undefined }))).toThrow(
      ValidationError,
    );
    expect(() => parseGitlab('Merge Request Hook', mr({ action: 'open', last_commit: undefined }))).toThrow(
      /object_attributes.last_commit/,
    );
    expect(() =>
      parseGitlab('Merge Request Hook', { ...mr({ action: 'open' }), project: { web_url: 'https://gitlab.com/x' } }),
    ).toThrow(/project.path_with_namespace/);
  });

  it('parses notes with commands on merge requests, issues and commits', () => {
    const note = (noteable_type: string, extra: Record<string, unknown>) => ({
      object_kind: 'note',
      user,
      project: gitlabProject,
      object_attributes: {
        id: 77,
        note: '/packit build --package bash',
        noteable_type,
        url: 'https://gitlab.com/n/77',
      },
      ...extra,
    });
    expect(
      parseGitlab('Note Hook', note('MergeRequest', { merge_request: { iid: 3, last_commit: { id: SHA } } })),
    ).toMatchObject({
      type: 'pull_request.comment',
      ref: { kind: 'pull_request', name: '3' },
      sha: SHA,
      comment: { id: '77', url: 'https://gitlab.com/n/77' },
      command: { name: 'build', package: 'bash' },
    });
    expect(parseGitlab('Note Hook', note('Issue', { issue: { iid: 9 } }))).toMatchObject({
      type: 'issue.comment',
      ref: { kind: 'issue', name: '9' },
      sha: null,
    });
    expect(parseGitlab('Note Hook', note('Commit', { commit: { id: SHA } }))).toMatchObject({
      type: 'commit.comment',
      ref: { kind: 'commit', name: SHA },
      sha: SHA,
    });
    expect(parseGitlab('Note Hook', note('Snippet', {}))).toMatchObject({ ignored: expect.any(String) });
    const plain = note('Issue', { issue: { iid: 9 } });
    plain.object_attributes.note = 'thanks';
    expect(parseGitlab('Note Hook', plain)).toMatchObject({ ignored: 'comment without a /packit command' });
  });

  it('runs the command of a new note once: an edited note is ignored, a note without an action is new', () => {
    const mr = {
      object_kind: 'note',
      user: { username: 'alice' },
      project: gitlabProject,
      merge_request: { iid: 3, last_commit: { id: SHA } },
    };
    const attributes = { id: 78, note: '/packit build', noteable_type: 'MergeRequest', url: null };
    expect(parseGitlab('Note Hook', { ...mr, object_attributes: { ...attributes, action: 'create' } })).toMatchObject({
      type: 'pull_request.comment',
    });
    expect(parseGitlab('Note Hook', { ...mr, object_attributes: attributes })).toMatchObject({
      type: 'pull_request.comment',
    });
    expect(parseGitlab('Note Hook', { ...mr, object_attributes: { ...attributes, action: 'update' } })).toMatchObject({
      ignored: 'note action "update" is not acted on',
    });
  });

  it('parses branch and tag pushes and ignores deletions', () => {
    const push = {
      object_kind: 'push',
      ref: 'refs/heads/c10s',
      before: '1'.repeat(40),
      after: SHA,
      checkout_sha: SHA,
      user_username: 'alice',
      total_commits_count: 1,
      commits: [{ added: ['a'], modified: ['bash.spec'], removed: [] }],
      project: gitlabProject,
    };
    expect(parseGitlab('Push Hook', push)).toEqual({
      type: 'push.branch',
      source: 'gitlab',
      project,
      ref: { kind: 'branch', name: 'c10s' },
      sha: SHA,
      actor: 'alice',
      defaultBranch: 'c10s',
      changedFiles: ['a', 'bash.spec'],
      push: { ref: 'refs/heads/c10s', before: '1'.repeat(40), commitCount: 1 },
    });
    // More commits than the hook lists: the files of the others are unknown.
    expect(parseGitlab('Push Hook', { ...push, total_commits_count: 30 })).toMatchObject({ changedFiles: null });
    expect(parseGitlab('Tag Push Hook', { ...push, ref: 'refs/tags/v1' })).toMatchObject({
      type: 'push.tag',
      ref: { kind: 'release', name: 'v1' },
    });
    expect(parseGitlab('Push Hook', { ...push, after: '0'.repeat(40), checkout_sha: null })).toMatchObject({
      ignored: 'push deleted refs/heads/c10s',
    });
  });

  it('parses created releases', () => {
    const release = {
      object_kind: 'release',
      action: 'create',
      tag: 'v1',
      name: 'One',
      url: 'https://gitlab.com/r/v1',
      commit: { id: SHA },
      project: gitlabProject,
    };
    expect(parseGitlab('Release Hook', release)).toEqual({
      type: 'release.published',
      source: 'gitlab',
      project,
      ref: { kind: 'release', name: 'v1' },
      sha: SHA,
      actor: null,
      defaultBranch: 'c10s',
      release: { tag: 'v1', name: 'One', url: 'https://gitlab.com/r/v1' },
    });
    expect(parseGitlab('Release Hook', { ...release, action: 'update' })).toMatchObject({
      ignored: expect.any(String),
    });
  });

  it('parses pipelines of merge requests and branches', () => {
    const pipeline = {
      object_kind: 'pipeline',
      user,
      project: gitlabProject,
      object_attributes: { id: 555, sha: SHA, ref: 'c10s', tag: false, status: 'success', source: 'push' },
    };
    expect(parseGitlab('Pipeline Hook', pipeline)).toMatchObject({
      type: 'ci_pipeline.updated',
      ref: { kind: 'branch', name: 'c10s' },
      sha: SHA,
      pipeline: { id: '555', status: 'success', source: 'push', ref: 'c10s', mergeRequest: null },
    });
    const onMr = { ...pipeline, merge_request: { iid: 3, url: 'u', source_project_id: 1, target_project_id: 2 } };
    expect(parseGitlab('Pipeline Hook', onMr)).toMatchObject({
      ref: { kind: 'pull_request', name: '3' },
      pipeline: { mergeRequest: { iid: 3, url: 'u', sourceProjectId: '1', targetProjectId: '2' }, jobs: [] },
    });
  });

  it("reads a pipeline's jobs from `builds`, naming a malformed one", () => {
    const pipeline = {
      object_kind: 'pipeline',
      user,
      project: gitlabProject,
      object_attributes: { id: 555, sha: SHA, ref: 'c10s', status: 'running', source: 'merge_request_event' },
      builds: [
        { id: 11, stage: 'test', name: 'rpminspect', status: 'running', allow_failure: false },
        { id: 12, stage: 'lint', name: 'rpmlint', status: 'failed', allow_failure: true },
      ],
    };
    expect(parseGitlab('Pipeline Hook', pipeline)).toMatchObject({
      pipeline: {
        jobs: [
          { id: '11', name: 'rpminspect', stage: 'test', status: 'running', allowFailure: false },
          { id: '12', name: 'rpmlint', stage: 'lint', status: 'failed', allowFailure: true },
        ],
      },
    });
    expect(() => parseGitlab('Pipeline Hook', { ...pipeline, builds: [{ id: 13, stage: 'test' }] })).toThrow(
      /builds\[0\]\.name/,
    );
  });

  it('ignores hooks it does not act on', () => {
    expect(parseGitlab('Issue Hook', { object_kind: 'issue' })).toEqual({
      ignored: 'GitLab event "Issue Hook" is not acted on',
      type: 'Issue Hook',
    });
  });
});
