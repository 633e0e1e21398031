import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/core';
import { planEventFromWebhook } from './webhook.adapter.js';

const repo = { repository: { default_branch: 'main' } };

describe('planEventFromWebhook: GitHub', () => {
  it('pull_request: target branch, default branch, labels', () => {
    const body = {
      action: 'opened',
      number: 4,
      pull_request: { base: { ref: 'rhel-9' }, labels: [{ name: 'ci' }] },
      ...repo,
    };
    expect(planEventFromWebhook('pull_request', body)).toEqual({
      kind: 'pull_request',
      branch: 'rhel-9',
      defaultBranch: 'main',
      labels: ['ci'],
    });
    expect(planEventFromWebhook(undefined, body).kind).toBe('pull_request');
  });

  it('push: the branch and the files its commits changed', () => {
    const body = {
      ref: 'refs/heads/main',
      after: 'abc1',
      commits: [
        { added: ['a'], modified: ['b'], removed: [] },
        { added: [], modified: ['b', 'c'], removed: ['d'] },
      ],
      ...repo,
    };
    expect(planEventFromWebhook('push', body)).toEqual({
      kind: 'push',
      branch: 'main',
      defaultBranch: 'main',
      changedFiles: ['a', 'b', 'c', 'd'],
    });
  });

  it('release, and comments on a pull request, an issue and a commit', () => {
    expect(
      planEventFromWebhook('release', { action: 'published', release: { tag_name: 'v1' }, ...repo }),
    ).toMatchObject({ kind: 'release', tag: 'v1' });
    const onPr = planEventFromWebhook('issue_comment', {
      action: 'created',
      issue: { pull_request: {}, labels: [] },
      comment: { body: '/packit build' },
      ...repo,
    });
    expect(onPr).toMatchObject({
      kind: 'comment',
      commentOn: 'pull_request',
      comment: { command: 'build' },
      labels: [],
    });
    expect(
      planEventFromWebhook(undefined, {
        action: 'created',
        issue: {},
        comment: { body: '/packit propose-downstream' },
        ...repo,
      }),
    ).toMatchObject({
      commentOn: 'issue',
      comment: { command: 'propose-downstream' },
    });
    expect(
      planEventFromWebhook('commit_comment', {
        action: 'created',
        comment: { body: 'nice', commit_id: 'abc' },
        ...repo,
      }),
    ).toMatchObject({
      commentOn: 'commit',
      comment: undefined,
    });
  });

  it('refuses events that run no job, saying why', () => {
    expect(() => planEventFromWebhook('pull_request', { action: 'closed', pull_request: {} })).toThrow(
      /action "closed" runs no job/,
    );
    expect(() => planEventFromWebhook('push', { ref: 'refs/heads/x', deleted: true, after: '000' })).toThrow(
      /deletes it/,
    );
    expect(() => planEventFromWebhook('push', { ref: 'refs/tags/v1', after: 'abc' })).toThrow(/releases/);
    expect(() => planEventFromWebhook('installation', {})).toThrow(ValidationError);
    expect(() => planEventFromWebhook(undefined, { action: 'created', installation: {}, repositories: [] })).toThrow(
      /event type installation runs no job/,
    );
    expect(() => planEventFromWebhook(undefined, { hello: 1 })).toThrow(/cannot tell which event/);
    expect(() => planEventFromWebhook(undefined, [])).toThrow(/not a JSON object/);
  });
});

describe('planEventFromWebhook: GitLab', () => {
  const project = { project: { default_branch: 'master' } };

  it('merge request, push, tag push and notes', () => {
    expect(
      planEventFromWebhook('Merge Request Hook', {
        object_kind: 'merge_request',
        object_attributes: { action: 'open', target_branch: 'master' },
        labels: [{ title: 'ci' }],
        ...project,
      }),
    ).toEqual({ kind: 'pull_request', branch: 'master', defaultBranch: 'master', labels: ['ci'] });
    expect(
      planEventFromWebhook(undefined, {
        object_kind: 'push',
        ref: 'refs/heads/dev',
        after: 'abc',
        commits: [{ modified: ['x'] }],
        ...project,
      }),
    ).toEqual({
      kind: 'push',
      branch: 'dev',
      defaultBranch: 'master',
      changedFiles: ['x'],
    });
    expect(
      planEventFromWebhook('Tag Push Hook', { object_kind: 'tag_push', ref: 'refs/tags/v2', ...project }),
    ).toMatchObject({ kind: 'release', tag: 'v2' });
    expect(
      planEventFromWebhook('Note Hook', {
        object_kind: 'note',
        object_attributes: { noteable_type: 'MergeRequest', note: '/packit test --id smoke' },
        merge_request: { target_branch: 'master', labels: [] },
        ...project,
      }),
    ).toMatchObject({
      kind: 'comment',
      commentOn: 'pull_request',
      branch: 'master',
      comment: { command: 'test', identifier: 'smoke' },
    });
  });
});
