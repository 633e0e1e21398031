import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/base';
import { validateEvent } from './event-message.schema.js';
import { distGitSource, parseMessage, readBusMessage } from './message.parser.js';
import { parseTestingFarm, testingFarmToken } from './testing-farm.parser.js';

const copr = {
  status: 1,
  chroot: 'fedora-41-x86_64',
  user: 'alice',
  owner: 'packit',
  copr: 'acme-widget-7',
  build: 9001,
  pkg: 'widget',
  version: '1.0-1',
};

describe('parseMessage', () => {
  it('parses Copr build start and end, flat or in an envelope', () => {
    const flat = { topic: 'org.fedoraproject.prod.copr.build.end', ...copr };
    const expected = {
      type: 'copr.build_end',
      source: 'messages',
      project: null,
      ref: null,
      sha: null,
      actor: 'alice',
      topic: 'org.fedoraproject.prod.copr.build.end',
      copr: {
        buildId: '9001',
        chroot: 'fedora-41-x86_64',
        srpm: false,
        owner: 'packit',
        project: 'acme-widget-7',
        pkg: 'widget',
        version: '1.0-1',
        status: 'succeeded',
      },
    };
    expect(parseMessage(flat)).toEqual(expected);
    validateEvent(parseMessage(flat));
    const envelope = { topic: 'org.fedoraproject.prod.copr.build.end', id: 'msg-1', headers: {}, body: copr };
    expect(parseMessage(envelope)).toEqual(expected);
    expect(readBusMessage(envelope).id).toBe('msg-1');
    expect(readBusMessage(flat).id).toBeNull();
    expect(parseMessage({ topic: 'org.fedoraproject.stg.copr.build.start', ...copr, status: 3 })).toMatchObject({
      type: 'copr.build_start',
      copr: { status: 'running' },
    });
  });

  it('marks SRPM builds (chroot srpm-builds)', () => {
    expect(
      parseMessage({ topic: 'org.fedoraproject.prod.copr.build.start', ...copr, chroot: 'srpm-builds', pkg: null }),
    ).toMatchObject({
      copr: { srpm: true, pkg: null },
    });
  });

  it('names what is missing', () => {
    const { build: _b, ...noBuild } = copr;
    expect(() => parseMessage({ topic: 'org.fedoraproject.prod.copr.build.end', ...noBuild })).toThrow(
      'build: expected an id (number or string), got nothing',
    );
    expect(() => parseMessage({ ...copr })).toThrow(ValidationError);
    expect(() => parseMessage({ ...copr })).toThrow(/^topic: expected a string/);
  });

  it('parses Koji task state changes', () => {
    const task = {
      topic: 'org.fedoraproject.prod.buildsys.task.state.change',
      id: 45,
      method: 'build',
      old: 'OPEN',
      new: 'CLOSED',
      owner: 'packit',
      attribute: 'state',
      info: { request: ['cli-build/x/hello-1.0-1.src.rpm', 'rawhide', { scratch: true }] },
    };
    expect(parseMessage(task)).toEqual({
      type: 'koji.task_state_change',
      source: 'messages',
      project: null,
      ref: null,
      sha: null,
      actor: 'packit',
      topic: 'org.fedoraproject.prod.buildsys.task.state.change',
      koji: {
        taskId: '45',
        method: 'build',
        oldState: 'OPEN',
        newState: 'CLOSED',
        source: 'cli-build/x/hello-1.0-1.src.rpm',
        target: 'rawhide',
        scratch: true,
        owner: 'packit',
      },
    });
    expect(parseMessage({ ...task, old: 1, new: 5 })).toMatchObject({ koji: { oldState: 'OPEN', newState: 'FAILED' } });
    expect(parseMessage({ ...task, attribute: 'weight' })).toMatchObject({ ignored: expect.any(String) });
  });

  it('parses Koji build state changes with the dist-git commit they built', () => {
    const body = {
      build_id: 77,
      task_id: 88,
      name: 'widget',
      version: '1.0',
      release: '1.fc42',
      old: 0,
      new: 1,
      owner: 'alice',
      attribute: 'state',
      request: ['git+https://src.fedoraproject.org/rpms/widget.git#' + 'c'.repeat(40), 'rawhide', {}],
    };
    expect(
      parseMessage({ topic: 'org.fedoraproject.prod.buildsys.build.state.change', id: 'm', headers: {}, body }),
    ).toEqual({
      type: 'koji.build_state_change',
      source: 'messages',
      project: { forge: 'pagure', instanceUrl: 'https://src.fedoraproject.org', namespace: 'rpms', repo: 'widget' },
      ref: { kind: 'commit', name: 'c'.repeat(40) },
      sha: 'c'.repeat(40),
      actor: 'alice',
      topic: 'org.fedoraproject.prod.buildsys.build.state.change',
      koji: {
        buildId: '77',
        taskId: '88',
        nvr: 'widget-1.0-1.fc42',
        oldState: 'BUILDING',
        newState: 'COMPLETE',
        target: 'rawhide',
        owner: 'alice',
      },
    });
  });

  it('parses builds tagged into a tag (buildsys.tag, Koji TagV1 keys) as events of the package in dist-git', () => {
    const body = {
      base_url: 'https://koji.fedoraproject.org',
      build_id: 2301,
      instance: 'primary',
      name: 'widget',
      owner: 'alice',
      release: '2.fc42',
      tag: 'f42-build-side-4711',
      tag_id: 4711,
      user: 'packit',
      version: '3.1',
    };
    const event = parseMessage({ topic: 'org.fedoraproject.stg.buildsys.tag', id: 'm', headers: {}, body });
    expect(event).toEqual({
      type: 'koji.tag',
      source: 'messages',
      project: { forge: 'pagure', instanceUrl: 'https://src.stg.fedoraproject.org', namespace: 'rpms', repo: 'widget' },
      ref: null,
      sha: null,
      actor: 'packit',
      topic: 'org.fedoraproject.stg.buildsys.tag',
      koji: {
        tag: 'f42-build-side-4711',
        tagId: '4711',
        buildId: '2301',
        name: 'widget',
        nvr: 'widget-3.1-2.fc42',
        owner: 'alice',
        user: 'packit',
      },
    });
    expect(() => validateEvent(event)).not.toThrow();
    const { tag: _tag, ...untagged } = body;
    expect(() => parseMessage({ topic: 'org.fedoraproject.prod.buildsys.tag', ...untagged })).toThrow(/tag/);
  });

  it('reads dist-git sources', () => {
    expect(distGitSource('git+https://src.fedoraproject.org/rpms/a.git#abcdef1')).toMatchObject({
      project: { namespace: 'rpms', repo: 'a' },
      sha: 'abcdef1',
    });
    expect(distGitSource('cli-build/1/x.src.rpm')).toBeNull();
    expect(distGitSource(null)).toBeNull();
  });

  it('parses dist-git pushes in both topic shapes', () => {
    const expected = {
      type: 'push.branch',
      source: 'messages',
      project: { forge: 'pagure', instanceUrl: 'https://src.fedoraproject.org', namespace: 'rpms', repo: 'widget' },
      ref: { kind: 'branch', name: 'rawhide' },
      sha: 'abc1234',
      actor: 'alice',
      push: { ref: 'refs/heads/rawhide', before: null, commitCount: null, pullRequest: null },
    };
    expect(
      parseMessage({
        topic: 'org.fedoraproject.prod.git.receive',
        commit: { namespace: 'rpms', repo: 'widget', branch: 'rawhide', rev: 'abc1234', username: 'alice' },
      }),
    ).toEqual(expected);
    expect(
      parseMessage({
        topic: 'org.fedoraproject.prod.pagure.git.receive',
        agent: 'alice',
        branch: 'rawhide',
        end_commit: 'abc1234',
        repo: { namespace: 'rpms', name: 'widget' },
      }),
    ).toEqual(expected);
    expect(
      parseMessage({
        topic: 'org.fedoraproject.stg.git.receive',
        commit: { namespace: 'rpms', repo: 'widget', branch: 'rawhide', rev: 'abc1234' },
      }),
    ).toMatchObject({ project: { instanceUrl: 'https://src.stg.fedoraproject.org' } });
    // A push that merged a pull request names it (the keys of messages/distgit_push_packit.json).
    expect(
      parseMessage({
        agent: 'pagure',
        branch: 'f36',
        pull_request_id: 5,
        end_commit: 'ad0c308af91da45cf40b253cd82f07f63ea9cbbf',
        total_commits: 1,
        repo: { namespace: 'rpms', name: 'packit' },
        topic: 'org.fedoraproject.prod.pagure.git.receive',
      }),
    ).toMatchObject({
      actor: 'pagure',
      ref: { kind: 'branch', name: 'f36' },
      push: { pullRequest: 5 },
    });
    expect(() =>
      parseMessage({ topic: 'git.receive', commit: { namespace: 'rpms', repo: 'w', branch: 'b', rev: 'r' } }),
    ).toThrow(/no dist-git instance/);
  });

  it('parses Pagure pull requests and flags', () => {
    const pullrequest = {
      id: 12,
      title: 'Update',
      full_url: 'https://src.fedoraproject.org/rpms/widget/pull-request/12',
      branch: 'rawhide',
      branch_from: 'update',
      commit_stop: 'd'.repeat(40),
      status: 'Open',
      project: { full_url: 'https://src.fedoraproject.org/rpms/widget' },
      repo_from: { full_url: 'https://src.fedoraproject.org/fork/alice/rpms/widget' },
    };
    expect(
      parseMessage({ topic: 'org.fedoraproject.prod.pagure.pull-request.new', agent: 'alice', pullrequest }),
    ).toEqual({
      type: 'pull_request.opened',
      source: 'messages',
      project: { forge: 'pagure', instanceUrl: 'https://src.fedoraproject.org', namespace: 'rpms', repo: 'widget' },
      ref: { kind: 'pull_request', name: '12' },
      sha: 'd'.repeat(40),
      actor: 'alice',
      pullRequest: {
        number: 12,
        title: 'Update',
        url: 'https://src.fedoraproject.org/rpms/widget/pull-request/12',
        sourceBranch: 'update',
        targetBranch: 'rawhide',
        sourceProject: {
          forge: 'pagure',
          instanceUrl: 'https://src.fedoraproject.org',
          namespace: 'fork/alice/rpms',
          repo: 'widget',
        },
        merged: false,
      },
    });
    expect(
      parseMessage({ topic: 'org.fedoraproject.prod.pagure.pull-request.updated', agent: 'alice', pullrequest }),
    ).toMatchObject({ type: 'pull_request.synchronize' });
    const flag = {
      status: 'success',
      username: 'Zuul',
      comment: 'ok',
      url: 'https://ci/1',
      commit_hash: 'e'.repeat(40),
    };
    expect(
      parseMessage({
        topic: 'org.fedoraproject.prod.pagure.pull-request.flag.updated',
        agent: 'zuul',
        pullrequest,
        flag,
      }),
    ).toMatchObject({
      type: 'pull_request.flag_updated',
      sha: 'e'.repeat(40),
      ref: { kind: 'pull_request', name: '12' },
      flag: { status: 'success', username: 'Zuul', comment: 'ok', url: 'https://ci/1' },
    });
  });

  it('ignores topics it does not act on', () => {
    expect(parseMessage({ topic: 'org.fedoraproject.prod.bodhi.update.comment', x: 1 })).toEqual({
      ignored: 'topic org.fedoraproject.prod.bodhi.update.comment is not acted on',
      type: 'org.fedoraproject.prod.bodhi.update.comment',
    });
  });
});

describe('parseTestingFarm', () => {
  it('parses the notification without keeping its token', () => {
    const body = { request_id: 'r-1', token: 's3cret', source: 'testing-farm' };
    const event = parseTestingFarm(body);
    expect(event).toEqual({
      type: 'testing_farm.notification',
      source: 'testing-farm',
      project: null,
      ref: null,
      sha: null,
      actor: null,
      testingFarm: { requestId: 'r-1' },
    });
    expect(JSON.stringify(event)).not.toContain('s3cret');
    expect(testingFarmToken(body)).toBe('s3cret');
    expect(testingFarmToken({ request_id: 'r-1' })).toBeNull();
  });

  it('names a missing request id', () => {
    expect(() => parseTestingFarm({ token: 't' })).toThrow('request_id: expected a string, got nothing');
  });
});
