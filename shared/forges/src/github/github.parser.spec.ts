import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/core';
import { validateEvent } from '@packflow/events';
import { parseGithub } from './github.parser.js';

const repository = {
  full_name: 'acme/widget',
  name: 'widget',
  html_url: 'https://github.com/acme/widget',
  owner: { login: 'acme' },
  default_branch: 'main',
};
const sender = { login: 'alice' };
const project = { forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'widget' };
const HEAD = '1111111111111111111111111111111111111111';

function pr(action: string, extra: Record<string, unknown> = {}) {
  return {
    action,
    number: 7,
    pull_request: {
      number: 7,
      title: 'Fix the thing',
      html_url: 'https://github.com/acme/widget/pull/7',
      merged: false,
      labels: [{ name: 'ci' }],
      author_association: 'MEMBER',
      head: { ref: 'fix', sha: HEAD, repo: { full_name: 'bob/widget', html_url: 'https://github.com/bob/widget' } },
      base: { ref: 'main', sha: '2222222222222222222222222222222222222222' },
      ...extra,
    },
    repository,
    sender,
    installation: { id: 31, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMzE=' },
  };
}

describe('parseGithub', () => {
  it.each([
    ['opened', 'pull_request.opened'],
    ['reopened', 'pull_request.reopened'],
    ['synchronize', 'pull_request.synchronize'],
    ['closed', 'pull_request.closed'],
  ])('parses pull_request %s', (action, type) => {
    const event = parseGithub('pull_request', pr(action));
    expect(event).toEqual({
      type,
      source: 'github',
      project,
      ref: { kind: 'pull_request', name: '7' },
      sha: HEAD,
      actor: 'alice',
      installationId: 31,
      defaultBranch: 'main',
      labels: ['ci'],
      authorAssociation: 'MEMBER',
      pullRequest: {
        number: 7,
        title: 'Fix the thing',
        url: 'https://github.com/acme/widget/pull/7',
        sourceBranch: 'fix',
        targetBranch: 'main',
        sourceProject: { forge: 'github', instanceUrl: 'https://github.com', namespace: 'bob', repo: 'widget' },
        merged: false,
      },
    });
    validateEvent(event);
  });

  it('says when a closed pull request was merged', () => {
    expect(parseGithub('pull_request', pr('closed', { merged: true }))).toMatchObject({
      pullRequest: { merged: true },
    });
  });

  it('keeps a pull request whose fork was deleted', () => {
    const payload = pr('opened');
    payload.pull_request.head.repo = null as never;
    expect(parseGithub('pull_request', payload)).toMatchObject({ pullRequest: { sourceProject: null } });
  });

  it('ignores pull request actions it does not act on', () => {
    expect(parseGithub('pull_request', pr('labeled'))).toEqual({
      ignored: 'pull_request action "labeled" is not acted on',
      type: 'pull_request.labeled',
    });
  });

  it('names the missing field of a malformed payload', () => {
    const payload = pr('opened');
    delete (payload.pull_request.head as Partial<typeof payload.pull_request.head>).sha;
    expect(() => parseGithub('pull_request', payload)).toThrow(ValidationError);
    expect(() => parseGithub('pull_request', payload)).toThrow('pull_request.head.sha: expected a string, got nothing');
    expect(() => parseGithub('pull_request', { ...pr('opened'), repository: undefined })).toThrow(
      /^repository: expected an object/,
    );
    expect(() => parseGithub('pull_request', [])).toThrow(/expected a JSON object/);
  });

  it('parses pushes to branches and tags and ignores deleted refs', () => {
    const push = {
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: HEAD,
      deleted: false,
      commits: [
        { added: ['a'], modified: ['b'], removed: [] },
        { added: [], modified: ['b', 'c'], removed: ['d'] },
      ],
      repository,
      sender,
    };
    expect(parseGithub('push', push)).toEqual({
      type: 'push.branch',
      source: 'github',
      project,
      ref: { kind: 'branch', name: 'main' },
      sha: HEAD,
      actor: 'alice',
      installationId: null,
      defaultBranch: 'main',
      changedFiles: ['a', 'b', 'c', 'd'],
      push: { ref: 'refs/heads/main', before: '0'.repeat(40), commitCount: 2 },
    });
    // GitHub lists at most 20 commits: then the files of the others are unknown.
    const many = { ...push, commits: Array.from({ length: 20 }, () => ({ added: ['a'] })) };
    expect(parseGithub('push', many)).toMatchObject({ changedFiles: null });
    expect(parseGithub('push', { ...push, ref: 'refs/tags/v1.0' })).toMatchObject({
      type: 'push.tag',
      ref: { kind: 'release', name: 'v1.0' },
    });
    expect(parseGithub('push', { ...push, after: '0'.repeat(40), deleted: true })).toEqual({
      ignored: 'push deleted refs/heads/main',
      type: 'push.deleted',
    });
    expect(parseGithub('push', { ...push, ref: 'refs/notes/x' })).toMatchObject({
      ignored: expect.stringContaining('neither a branch nor a tag'),
    });
  });

  it('parses published releases only', () => {
    const release = {
      action: 'published',
      release: { tag_name: 'v2.0', name: 'Two', html_url: 'https://github.com/acme/widget/releases/v2.0' },
      repository,
      sender,
    };
    expect(parseGithub('release', release)).toEqual({
      type: 'release.published',
      source: 'github',
      project,
      ref: { kind: 'release', name: 'v2.0' },
      sha: null,
      actor: 'alice',
      installationId: null,
      defaultBranch: 'main',
      release: { tag: 'v2.0', name: 'Two', url: 'https://github.com/acme/widget/releases/v2.0' },
    });
    expect(parseGithub('release', { ...release, action: 'created' })).toMatchObject({ ignored: expect.any(String) });
  });

  it('parses comment commands on pull requests, issues and commits', () => {
    const comment = {
      id: 99,
      body: '/packit test --identifier x',
      html_url: 'https://github.com/c/99',
      commit_id: HEAD,
    };
    const onPr = { action: 'created', issue: { number: 7, pull_request: { url: 'x' } }, comment, repository, sender };
    expect(parseGithub('issue_comment', onPr)).toMatchObject({
      type: 'pull_request.comment',
      ref: { kind: 'pull_request', name: '7' },
      sha: null,
      comment: { id: '99', body: '/packit test --identifier x', url: 'https://github.com/c/99' },
      command: { name: 'test', identifier: 'x' },
    });
    expect(parseGithub('issue_comment', { ...onPr, issue: { number: 8 } })).toMatchObject({
      type: 'issue.comment',
      ref: { kind: 'issue', name: '8' },
    });
    expect(parseGithub('commit_comment', { action: 'created', comment, repository, sender })).toMatchObject({
      type: 'commit.comment',
      ref: { kind: 'commit', name: HEAD },
      sha: HEAD,
    });
  });

  it('turns an unknown command into a help event and ignores comments without a command', () => {
    const base = { action: 'created', issue: { number: 8 }, repository, sender };
    expect(parseGithub('issue_comment', { ...base, comment: { id: 1, body: '/packit deploy' } })).toMatchObject({
      type: 'issue.comment',
      command: { name: 'help', unknown: 'deploy' },
    });
    expect(parseGithub('issue_comment', { ...base, comment: { id: 1, body: 'LGTM' } })).toEqual({
      ignored: 'comment without a /packit command',
      type: 'issue_comment.created',
    });
    expect(
      parseGithub('issue_comment', { ...base, action: 'edited', comment: { id: 1, body: '/packit build' } }),
    ).toMatchObject({ ignored: expect.any(String) });
  });

  it('parses check_run rerequested and requested_action', () => {
    const checkRun = {
      action: 'rerequested',
      check_run: {
        id: 5,
        name: 'rpm-build:fedora-rawhide-x86_64',
        head_sha: HEAD,
        external_id: '42',
        pull_requests: [{ number: 7 }],
        check_suite: { head_branch: 'fix' },
      },
      repository,
      sender,
    };
    expect(parseGithub('check_run', checkRun)).toMatchObject({
      type: 'check_run.rerequested',
      ref: { kind: 'pull_request', name: '7' },
      sha: HEAD,
      checkRun: { id: '5', name: 'rpm-build:fedora-rawhide-x86_64', externalId: '42' },
      requestedAction: null,
    });
    const noPr = { ...checkRun, check_run: { ...checkRun.check_run, pull_requests: [] } };
    expect(parseGithub('check_run', noPr)).toMatchObject({ ref: { kind: 'branch', name: 'fix' } });
    const bare = {
      ...checkRun,
      check_run: { ...checkRun.check_run, pull_requests: [], check_suite: { head_branch: null } },
    };
    expect(parseGithub('check_run', bare)).toMatchObject({ ref: { kind: 'commit', name: HEAD } });
    expect(
      parseGithub('check_run', {
        ...checkRun,
        action: 'requested_action',
        requested_action: { identifier: 'rerun-failed' },
      }),
    ).toMatchObject({
      type: 'check_run.requested_action',
      requestedAction: { identifier: 'rerun-failed' },
    });
    expect(() => parseGithub('check_run', { ...checkRun, action: 'requested_action' })).toThrow(
      'requested_action: expected an object, got nothing',
    );
    expect(parseGithub('check_run', { ...checkRun, action: 'completed' })).toMatchObject({
      ignored: expect.any(String),
    });
  });

  it('parses installations', () => {
    const installation = {
      action: 'created',
      installation: { id: 123, account: { login: 'acme', url: 'https://api.github.com/users/acme' } },
      repositories: [{ full_name: 'acme/widget' }],
      sender,
    };
    expect(parseGithub('installation', installation)).toEqual({
      type: 'installation.created',
      source: 'github',
      project: null,
      ref: null,
      sha: null,
      actor: 'alice',
      installation: { id: '123', instanceUrl: 'https://github.com', account: 'acme', repositories: ['acme/widget'] },
    });
    expect(parseGithub('installation', { ...installation, action: 'deleted', repositories: undefined })).toMatchObject({
      type: 'installation.deleted',
      installation: { repositories: [] },
    });
    expect(parseGithub('installation', { ...installation, action: 'suspend' })).toMatchObject({
      ignored: expect.any(String),
    });
  });

  it('ignores ping and events it does not know', () => {
    expect(parseGithub('ping', { zen: 'x' })).toMatchObject({ ignored: expect.stringContaining('ping') });
    expect(parseGithub('star', { action: 'created' })).toEqual({
      ignored: 'GitHub event "star" is not acted on',
      type: 'star',
    });
  });
});
