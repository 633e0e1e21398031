// Conformance of the forge fakes with the real forges: the webhooks the fake GitHub sends
// are signed as GitHub signs them and parse into the events the real ones parse into;
// those of the fake GitLab carry its token and parse as the real merge request, note, push
// and merge request pipeline hooks do.
import { execFileSync } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackReceiver, sharedFixturesDir } from '@packflow/testing';
import { GithubForge, GitlabForge, parseGithub, parseGitlab } from './index.js';
import { FakeGithub, FakeGitlab } from './testing.js';

const fixtures = sharedFixturesDir()!;
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

let receiver: CallbackReceiver;

beforeAll(async () => {
  receiver = await CallbackReceiver.start();
});

afterAll(async () => {
  await receiver.close();
});

describe('fake GitHub webhooks', () => {
  it('are signed like GitHub and parse into the events the real pull request, comment and check run payloads parse into', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const github = await FakeGithub.start({
      appId: 11,
      installations: [{ id: 1924121, account: 'packit', repositories: '*' }],
      webhook: { url: `${receiver.url}/webhooks/github`, secret: 'hook-secret' },
    });
    try {
      await github.emitPullRequest('packit-service/packit', {
        number: 342,
        headSha: '528b803be6f93e19ca4130bf4976f2800a3004c4',
        headRef: 'master',
        baseRef: 'master',
        headRepo: 'lbarcziova/packit',
        sender: 'lbarcziova',
        title: 'better exception - issue 339',
      });
      await github.emitIssueComment('packit-service/hello-world', 9, '/packit copr-build', { sender: 'phracek' });
      const forge = new GithubForge({ appId: 11, privateKey, baseUrl: github.url });
      const run = await forge.reportStatus(
        { namespace: 'packit', repo: 'hello-world' },
        {
          name: 'testing-farm:fedora-rawhide-x86_64',
          sha: '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd',
          state: 'failure',
          title: 'Tests failed',
          externalId: '123456',
        },
      );
      await github.emitCheckRunEvent(run.id, { action: 'rerequested', sender: 'lbarcziova' });
      await github.emitCheckRunEvent(run.id, {
        action: 'requested_action',
        identifier: 'rerun-failed',
        sender: 'lbarcziova',
      });

      const hooks = receiver.on('/webhooks/github');
      expect(hooks.map((h) => h.headers['x-github-event'])).toEqual([
        'pull_request',
        'issue_comment',
        'check_run',
        'check_run',
      ]);
      for (const hook of hooks) {
        expect(hook.headers['x-hub-signature-256']).toBe(
          `sha256=${createHmac('sha256', 'hook-secret').update(hook.rawBody).digest('hex')}`,
        );
        expect(hook.headers['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      }
      const parsed = hooks.map(
        (h) => parseGithub(String(h.headers['x-github-event']), h.body) as unknown as Record<string, unknown>,
      );
      const real = (file: string, event: string) =>
        parseGithub(event, fixture(`webhooks/github/${file}`)) as unknown as Record<string, unknown>;
      const same = (ours: Record<string, unknown>, theirs: Record<string, unknown>, fields: string[]) => {
        expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
        for (const field of fields) expect([field, ours[field]]).toEqual([field, theirs[field]]);
      };
      same(parsed[0], real('pr.json', 'pull_request'), ['type', 'project', 'ref', 'sha', 'actor', 'pullRequest']);
      same(parsed[1], real('pr_comment_copr_build.json', 'issue_comment'), [
        'type',
        'project',
        'ref',
        'actor',
        'command',
      ]);
      same(parsed[2], real('checkrun_rerequested.json', 'check_run'), ['type', 'project', 'ref', 'sha', 'actor']);
      expect(parsed[2].checkRun).toEqual({
        id: run.id,
        name: 'testing-farm:fedora-rawhide-x86_64',
        externalId: '123456',
      });
      expect(parsed[3]).toMatchObject({
        type: 'check_run.requested_action',
        requestedAction: { identifier: 'rerun-failed' },
      });
    } finally {
      await github.close();
    }
  });
});

describe('fake GitLab webhooks', () => {
  it('carry the token and parse into the events the real merge request and note payloads parse into', async () => {
    const gitlab = await FakeGitlab.start({
      webhook: { url: `${receiver.url}/webhooks/gitlab`, token: 'gitlab-hook-token' },
    });
    try {
      const project = 'testing/packit/hello-there';
      await gitlab.emitMergeRequest(project, {
        iid: 2,
        headSha: '45e272a57335e4e308f3176df6e9226a9e7805a9',
        sourceBranch: 'test1',
        targetBranch: 'master',
        title: 'Update README.md',
        sender: 'shreyaspapi',
      });
      await gitlab.emitMergeRequestNote(project, 2, '/packit build', { sender: 'shreyaspapi' });

      const hooks = receiver.on('/webhooks/gitlab');
      expect(hooks.map((h) => h.headers['x-gitlab-event'])).toEqual(['Merge Request Hook', 'Note Hook']);
      for (const hook of hooks) {
        expect(hook.headers['x-gitlab-token']).toBe('gitlab-hook-token');
        expect(hook.headers['x-gitlab-event-uuid']).toMatch(/^[0-9a-f-]{36}$/);
      }
      const parsed = hooks.map(
        (h) => parseGitlab(String(h.headers['x-gitlab-event']), h.body) as unknown as Record<string, unknown>,
      );
      const realMr = fixture('webhooks/gitlab/mr_event.json') as { object_attributes: Record<string, unknown> };
      // The same merge request as the real comment's (the real hook is of !1, its comment of !2).
      Object.assign(realMr.object_attributes, {
        iid: 2,
        source_branch: 'test1',
        url: 'https://gitlab.com/testing/packit/hello-there/-/merge_requests/2',
        last_commit: { id: '45e272a57335e4e308f3176df6e9226a9e7805a9' },
      });
      const realNote = fixture('webhooks/gitlab/mr_comment.json') as { object_attributes: Record<string, unknown> };
      realNote.object_attributes.note = '/packit build';
      const same = (ours: Record<string, unknown>, theirs: Record<string, unknown>, fields: string[]) => {
        expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
        for (const field of fields) expect([field, ours[field]]).toEqual([field, theirs[field]]);
      };
      const real = (event: string, body: unknown) => parseGitlab(event, body) as unknown as Record<string, unknown>;
      same(parsed[0], real('Merge Request Hook', realMr), ['type', 'project', 'ref', 'sha', 'actor', 'pullRequest']);
      same(parsed[1], real('Note Hook', realNote), ['type', 'project', 'ref', 'sha', 'actor', 'command']);
    } finally {
      await gitlab.close();
    }
  });
});

describe('fake GitLab push and pipeline hooks (from its git repositories and merge requests)', () => {
  it('parse into the events the real push and merge request pipeline payloads parse into', async () => {
    const gitlab = await FakeGitlab.start({
      webhook: { url: `${receiver.url}/webhooks/gitlab-repos`, token: 'gitlab-hook-token' },
    });
    const work = mkdtempSync(join(tmpdir(), 'fake-gitlab-hooks-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: work,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'A',
          GIT_AUTHOR_EMAIL: 'a@example.com',
          GIT_COMMITTER_NAME: 'A',
          GIT_COMMITTER_EMAIL: 'a@example.com',
        },
      }).trim();
    try {
      const pushed = 'testing/packit/hello-there';
      await gitlab.projects.createProject(pushed);
      git('init', '--quiet', '-b', 'test');
      writeFileSync(join(work, 'README'), 'one\n');
      git('add', '.');
      git('commit', '--quiet', '-m', 'One');
      const before = git('rev-parse', 'HEAD');
      writeFileSync(join(work, 'README'), 'two\n');
      git('commit', '--quiet', '-am', 'Two');
      const after = git('rev-parse', 'HEAD');
      git('push', '--quiet', gitlab.projects.cloneUrl(pushed), 'test');
      await gitlab.emitPush(pushed, { branch: 'test', before, after, sender: 'shreyaspapi' });

      const rpms = 'redhat/centos-stream/rpms/luksmeta';
      await gitlab.projects.createProject(rpms, { defaultBranch: 'c9s' });
      git('push', '--quiet', gitlab.projects.cloneUrl(rpms), 'test:c9s', 'test:9-c9s-src-5');
      const mr = await new GitlabForge({ host: gitlab.url, token: gitlab.token }).createMergeRequest(
        { namespace: 'redhat/centos-stream/rpms', repo: 'luksmeta' },
        { sourceBranch: '9-c9s-src-5', targetBranch: 'c9s', title: 'Testing contribution' },
      );
      await gitlab.emitMergeRequestPipeline(rpms, mr.iid, { status: 'failed', id: 384095584 });

      const hooks = receiver.on('/webhooks/gitlab-repos');
      expect(hooks.map((h) => h.headers['x-gitlab-event'])).toEqual(['Push Hook', 'Pipeline Hook']);
      const [push, pipeline] = hooks.map(
        (h) => parseGitlab(String(h.headers['x-gitlab-event']), h.body) as unknown as Record<string, unknown>,
      );
      const real = (event: string, path: string) =>
        parseGitlab(event, fixture(path)) as unknown as Record<string, unknown>;
      const realPush = real('Push Hook', 'webhooks/gitlab/push_branch.json');
      expect(Object.keys(push).sort()).toEqual(Object.keys(realPush).sort());
      for (const field of ['type', 'project', 'ref', 'actor'])
        expect([field, push[field]]).toEqual([field, realPush[field]]);
      expect(push).toMatchObject({ sha: after, push: { ref: 'refs/heads/test', before, commitCount: 1 } });

      const realPipeline = real('Pipeline Hook', 'webhooks/gitlab/mr_pipeline.json');
      expect(Object.keys(pipeline).sort()).toEqual(Object.keys(realPipeline).sort());
      for (const field of ['type', 'project']) expect([field, pipeline[field]]).toEqual([field, realPipeline[field]]);
      const ours = pipeline.pipeline as Record<string, unknown>;
      const theirs = realPipeline.pipeline as Record<string, unknown>;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
      for (const field of ['id', 'status', 'source', 'ref'])
        expect([field, ours[field]]).toEqual([field, theirs[field]]);
      expect(Object.keys(ours.mergeRequest as object).sort()).toEqual(
        Object.keys(theirs.mergeRequest as object).sort(),
      );
      expect(pipeline.ref).toEqual({ kind: 'pull_request', name: String(mr.iid) });
    } finally {
      await gitlab.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('fake GitLab release hooks', () => {
  it('send the Tag Push and Release Hook bodies GitLab sends, parsing into the events the real ones parse into', async () => {
    const gitlab = await FakeGitlab.start({
      webhook: { url: `${receiver.url}/webhooks/gitlab-release`, token: 'gitlab-hook-token' },
    });
    try {
      const project = 'fedora/src/python-teamcity-messages';
      const sha = '6147b3de219ecdda30ba727cf74a0414ca1e618a';
      await gitlab.emitTagPush(project, { name: 'v1.32', sha, sender: 'mmassari1' });
      await gitlab.emitRelease(project, { tag: 'v1.32', sha, name: 'test' });
      const hooks = receiver.on('/webhooks/gitlab-release');
      expect(hooks.map((h) => h.headers['x-gitlab-event'])).toEqual(['Tag Push Hook', 'Release Hook']);
      const cases = [
        { hook: hooks[0], event: 'Tag Push Hook', file: 'webhooks/gitlab/tag_push.json' },
        { hook: hooks[1], event: 'Release Hook', file: 'webhooks/gitlab/release.json' },
      ];
      for (const { hook, event, file } of cases) {
        const real = fixture(file) as Record<string, unknown>;
        expect(Object.keys(hook.body as object).sort()).toEqual(Object.keys(real).sort());
        const ours = parseGitlab(event, hook.body) as unknown as Record<string, unknown>;
        const theirs = parseGitlab(event, real) as unknown as Record<string, unknown>;
        expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
        for (const field of ['type', 'project', 'ref', 'sha', 'release'])
          expect([field, ours[field]]).toEqual([field, theirs[field]]);
      }
    } finally {
      await gitlab.close();
    }
  });
});
