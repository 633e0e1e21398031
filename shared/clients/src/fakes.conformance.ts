// Conformance of the fakes with the real services: the Copr messages the fake sends have
// the keys and value types of the real copr_build_start/end messages, the Testing Farm
// request the fake answers has the shape of a real results.json, its notification the
// keys of the real notification.json; packflow's own parsers accept what the fakes send;
// the client's xunit reader reads the real xunit files; and the webhooks the fake GitHub
// sends are signed as GitHub signs them and parse into the events the real ones parse into;
// those of the fake GitLab carry its token and parse as the real merge request and note do.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseGithub, parseGitlab, parseMessage, parseTestingFarm } from '@packflow/events';
import {
  CallbackReceiver,
  FakeCopr,
  FakeGithub,
  FakeGitlab,
  FakeTestingFarm,
  sharedFixturesDir,
} from '@packflow/testing';
import { CoprClient, GithubForge, TestingFarmClient, parseXunit } from './index.js';

const fixtures = sharedFixturesDir()!;
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

/** The type of a JSON value: `null`, `array`, `object`, `string`, `number`, `boolean`. */
function kind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Differences between a real payload and ours: keys missing from ours, keys only in ours
 * (unless allowed), and values of another type. A null in the real payload is a nullable
 * field: any type is accepted there. Arrays compare their first elements.
 */
function shapeDiff(real: unknown, ours: unknown, allowedExtra: string[] = [], path = '$'): string[] {
  if (real === null) return [];
  if (kind(real) !== kind(ours)) return [`${path}: ${kind(real)} in the real payload, ${kind(ours)} in the fake's`];
  if (Array.isArray(real)) {
    const oursArray = ours as unknown[];
    if (real.length === 0 || oursArray.length === 0) return real.length > 0 ? [`${path}: empty in the fake's`] : [];
    return shapeDiff(real[0], oursArray[0], allowedExtra, `${path}[]`);
  }
  if (kind(real) !== 'object') return [];
  const r = real as Record<string, unknown>;
  const o = ours as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(r)) {
    if (!(key in o)) out.push(`${path}.${key}: missing in the fake's`);
    else out.push(...shapeDiff(r[key], o[key], allowedExtra, `${path}.${key}`));
  }
  for (const key of Object.keys(o))
    if (!(key in r) && !allowedExtra.includes(`${path}.${key}`)) out.push(`${path}.${key}: only in the fake's`);
  return out;
}

let receiver: CallbackReceiver;
let copr: FakeCopr;
let tf: FakeTestingFarm;

beforeAll(async () => {
  receiver = await CallbackReceiver.start();
  copr = await FakeCopr.start({
    login: 'packit',
    token: 'copr-token-c1',
    messages: { url: `${receiver.url}/webhooks/messages`, token: 'bus' },
  });
  tf = await FakeTestingFarm.start({ apiKey: 'tf-key-c1' });
});

afterAll(async () => {
  await Promise.all([copr.close(), tf.close(), receiver.close()]);
});

describe('fake Copr messages', () => {
  it('have the keys and types of the real SRPM and RPM build start/end messages, and parse as Copr events', async () => {
    const client = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'copr-token-c1' });
    await client.ensureProject({
      owner: 'packit',
      project: 'packit-service-hello-world-24',
      chroots: ['fedora-rawhide-x86_64'],
    });
    const build = await client.submitSrpmBuild({
      owner: 'packit',
      project: 'packit-service-hello-world-24',
      script: 'true',
    });
    const srpmStart = (await copr.startBuild(build.id, 'srpm-builds')).payload;
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    const rpmStart = (await copr.startBuild(build.id, 'fedora-rawhide-x86_64')).payload;
    const rpmEnd = (await copr.finishBuild(build.id, 'fedora-rawhide-x86_64', 'succeeded')).payload;

    // Exact types where the real message has a value: a null there (pkg, version of an
    // SRPM build start) must be null in ours too.
    const exact = (real: Record<string, unknown>, ours: Record<string, unknown>) => {
      expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
      expect(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, kind(v)]))).toEqual(
        Object.fromEntries(Object.entries(real).map(([k, v]) => [k, kind(v)])),
      );
    };
    exact(
      fixture('messages/srpm_build_start.json') as Record<string, unknown>,
      srpmStart as unknown as Record<string, unknown>,
    );
    exact(
      fixture('messages/copr_build_start.json') as Record<string, unknown>,
      rpmStart as unknown as Record<string, unknown>,
    );
    exact(
      fixture('messages/copr_build_end.json') as Record<string, unknown>,
      rpmEnd as unknown as Record<string, unknown>,
    );
    expect(rpmEnd).toMatchObject({
      topic: 'org.fedoraproject.prod.copr.build.end',
      status: 1,
      build: build.id,
      owner: 'packit',
      copr: 'packit-service-hello-world-24',
    });
    expect(rpmStart.what).toMatch(
      /^build start: user:packit copr:packit-service-hello-world-24 pkg:hello build:\d+ ip:\S+ pid:\d+$/,
    );

    expect(parseMessage(srpmStart)).toMatchObject({
      type: 'copr.build_start',
      copr: { buildId: String(build.id), chroot: 'srpm-builds', srpm: true, status: 'running' },
    });
    expect(parseMessage(rpmEnd)).toMatchObject({
      type: 'copr.build_end',
      copr: {
        buildId: String(build.id),
        chroot: 'fedora-rawhide-x86_64',
        srpm: false,
        status: 'succeeded',
        pkg: 'hello',
      },
    });
    expect(receiver.on('/webhooks/messages').map((m) => m.body)).toEqual([
      srpmStart,
      expect.anything(),
      rpmStart,
      rpmEnd,
    ]);
  });
});

describe('fake Testing Farm', () => {
  it('answers a finished request in the shape of a real results.json and notifies with the keys of the real notification', async () => {
    const client = new TestingFarmClient({ baseUrl: tf.url, apiKey: 'tf-key-c1' });
    const { id } = await client.submitRequest({
      fmf: { url: 'https://github.com/packit/packit', ref: 'e7e3c8b688403048e7aefa64c19b79e89fe764df', plan: '/' },
      environment: {
        compose: 'Fedora-32',
        arch: 'x86_64',
        coprBuild: { buildId: 1810530, chroot: 'fedora-32-x86_64' },
      },
      notification: { url: `${receiver.url}/webhooks/testing-farm`, token: 'secret-token' },
    });
    await tf.start(id);
    const notification = (await tf.finish(id, 'passed', [{ name: '/script-00', result: 'passed' }])).payload;
    const ours = await (await fetch(`${tf.url}/v0.1/requests/${id}`)).json();

    // `result.xunit_url` is where newer Testing Farm results give the xunit.
    expect(shapeDiff(fixture('testing-farm/results.json'), ours, ['$.result.xunit_url'])).toEqual([]);
    expect(ours).toMatchObject({
      id,
      state: 'complete',
      environments_requested: [{ artifacts: [{ id: '1810530:fedora-32-x86_64', type: 'fedora-copr-build' }] }],
      result: { overall: 'passed' },
    });

    const real = fixture('testing-farm/notification.json') as Record<string, unknown>;
    expect(shapeDiff(real, notification)).toEqual([]);
    expect(Object.keys(notification).sort()).toEqual(Object.keys(real).sort());
    expect(parseTestingFarm(notification)).toMatchObject({
      type: 'testing_farm.notification',
      testingFarm: { requestId: id },
    });
  });

  it("lets the client's xunit reader read the real xunit files", () => {
    const results = fixture('testing-farm/results.json') as { result: { xunit: string } };
    const inline = parseXunit(results.result.xunit);
    expect(inline.overall).toBe('passed');
    expect(inline.tests.length).toBeGreaterThan(0);
    for (const t of inline.tests) {
      expect(t).toMatchObject({ name: expect.stringMatching(/^\/script-\d+$/), result: 'passed' });
      expect(t.logUrl).toMatch(/^http:\/\/artifacts\.dev\.testing-farm\.io\/.+\/out\.log$/);
    }
    const file = parseXunit(readFileSync(join(fixtures, 'testing-farm/request_result_xunit.xml'), 'utf8'));
    expect(file.tests.map((t) => [t.name, t.result])).toEqual(inline.tests.map((t) => [t.name, t.result]));
  });
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
