import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Logger } from '@packflow/core';
import { validateEventMessage } from '@packflow/events';
import type { RunningService } from '@packflow/platform';
import { createTestDatabase, startNatsServer, type TestDatabase, type TestNatsServer } from '@packflow/testing';
import { startScheduler } from '../index.js';
import { githubSignature, postGithub, postGitlab, postMessage, postTestingFarm } from './testing/webhook.senders.js';

const SECRET = 'gh-webhook-secret-for-tests';
const GITLAB_TOKEN = 'gl-token-for-tests';
const MESSAGES_TOKEN = 'bus-token-for-tests';
const TF_TOKEN = 'tf-token-for-tests';
const BODY_LIMIT = 64 * 1024;
const HEAD = 'ab'.repeat(20);

let db: TestDatabase;
let pool: pg.Pool;
let nats: TestNatsServer;
let service: RunningService;
let url: string;
const logLines: string[] = [];

/** Records every log line the scheduler writes, to check no secret shows up in one. */
function recordingLogger(): Logger {
  const write =
    (level: string) =>
    (...args: unknown[]) => {
      logLines.push(
        `${level} ${JSON.stringify(args, (_k, v: unknown) => (v instanceof Error ? { message: v.message, stack: v.stack } : v))}`,
      );
    };
  const logger: Record<string, unknown> = { level: 'trace', flush: () => {} };
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace']) logger[level] = write(level);
  logger.child = () => logger;
  logger.isLevelEnabled = () => true;
  return logger as unknown as Logger;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  nats = await startNatsServer();
  service = await startScheduler({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      SCHEDULER_PORT: '0',
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
      MESSAGES_TOKEN,
      WEBHOOK_BODY_LIMIT: String(BODY_LIMIT),
    },
    logger: recordingLogger(),
  });
  url = service.url!;
});
afterAll(async () => {
  await service?.close();
  await nats?.dispose();
  await db?.drop();
});

function pullRequest(action = 'opened', repo = 'widget'): string {
  return JSON.stringify({
    action,
    number: 7,
    pull_request: {
      number: 7,
      title: 'Fix',
      html_url: `https://github.com/acme/${repo}/pull/7`,
      head: { ref: 'fix', sha: HEAD, repo: { full_name: `bob/${repo}`, html_url: `https://github.com/bob/${repo}` } },
      base: { ref: 'main' },
    },
    repository: { full_name: `acme/${repo}`, html_url: `https://github.com/acme/${repo}` },
    sender: { login: 'alice' },
  });
}

const count = async (table: string, where = 'true', params: unknown[] = []) =>
  Number((await pool.query(`select count(*) from ${table} where ${where}`, params)).rows[0].count);
const recorded = async () => ({ events: await count('shared.events'), outbox: await count('shared.outbox') });

describe('POST /webhooks/github', () => {
  it('accepts a signed pull request: 202 with the event id, event and outbox message recorded together', async () => {
    const delivery = randomUUID();
    const answer = await postGithub(url, { secret: SECRET, event: 'pull_request', body: pullRequest(), delivery });
    expect(answer).toEqual({ status: 202, body: { event_id: expect.stringMatching(/^\d+$/) } });
    const eventId = answer.body.event_id as string;
    const event = await pool.query(
      `select e.source, e.type, e.delivery_id, e.actor, e.ecosystem, e.disposition, p.namespace, p.repo, r.kind, r.name, c.sha
         from shared.events e join shared.projects p on p.id = e.project_id join shared.project_refs r on r.id = e.ref_id
         join shared.commits c on c.id = e.commit_id where e.id = $1`,
      [eventId],
    );
    expect(event.rows[0]).toEqual({
      source: 'github',
      type: 'pull_request.opened',
      delivery_id: delivery,
      actor: 'alice',
      ecosystem: 'upstream',
      disposition: 'accepted',
      namespace: 'acme',
      repo: 'widget',
      kind: 'pull_request',
      name: '7',
      sha: HEAD,
    });
    const outbox = await pool.query(
      'select subject, msg_id, payload, published_at from shared.outbox where msg_id = $1',
      [delivery],
    );
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0].subject).toBe('upstream.pull_request.opened');
    const message = validateEventMessage(outbox.rows[0].subject, outbox.rows[0].payload);
    expect(message).toMatchObject({
      type: 'pull_request.opened',
      eventId,
      deliveryId: delivery,
      ecosystem: 'upstream',
      sha: HEAD,
    });
  });

  it('records the same delivery once: the second answer is 200 duplicate and nothing is published again', async () => {
    const delivery = randomUUID();
    const first = await postGithub(url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('synchronize'),
      delivery,
    });
    const second = await postGithub(url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('synchronize'),
      delivery,
    });
    expect(first.status).toBe(202);
    expect(second).toEqual({ status: 200, body: { duplicate: delivery, event_id: first.body.event_id } });
    expect(await count('shared.events', 'delivery_id = $1', [delivery])).toBe(1);
    expect(await count('shared.outbox', 'msg_id = $1', [delivery])).toBe(1);
  });

  it('records the same delivery once when both copies arrive at the same instant', async () => {
    const delivery = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        postGithub(url, { secret: SECRET, event: 'pull_request', body: pullRequest('reopened', 'twins'), delivery }),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.duplicate === delivery)).toHaveLength(5);
    expect(await count('shared.events', 'delivery_id = $1', [delivery])).toBe(1);
    expect(await count('shared.outbox', 'msg_id = $1', [delivery])).toBe(1);
  });

  it.each([
    ['a wrong secret', { headers: { 'x-hub-signature-256': githubSignature('not-the-secret', pullRequest()) } }],
    ['no signature header', { headers: { 'x-hub-signature-256': undefined } }],
    ['the sha1 header only', { headers: { 'x-hub-signature-256': undefined, 'x-hub-signature': 'sha1=0123' } }],
    ['a malformed signature', { headers: { 'x-hub-signature-256': 'sha256=xyz' } }],
    [
      'a signature without its prefix',
      { headers: { 'x-hub-signature-256': githubSignature(SECRET, pullRequest()).slice(7) } },
    ],
    [
      'a body changed after signing',
      {
        body: pullRequest().replace('"alice"', '"mallory"'),
        headers: { 'x-hub-signature-256': githubSignature(SECRET, pullRequest()) },
      },
    ],
    [
      'a bad signature and no event header',
      { headers: { 'x-hub-signature-256': githubSignature('x', pullRequest()), 'x-github-event': undefined } },
    ],
  ])(
    'answers 401 for %s and records nothing',
    async (_what, variant: { body?: string; headers?: Record<string, string | undefined> }) => {
      const before = await recorded();
      const answer = await postGithub(url, {
        secret: SECRET,
        event: 'pull_request',
        body: variant.body ?? pullRequest(),
        headers: variant.headers,
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 'unauthorized', message: expect.any(String) });
      expect(await recorded()).toEqual(before);
    },
  );

  it.each([
    ['malformed JSON', { body: '{"action": "opened",' }, /body is not valid JSON/],
    ['an empty body', { body: '' }, /body is empty/],
    ['no X-GitHub-Event header', { headers: { 'x-github-event': undefined } }, /missing X-GitHub-Event header/],
    [
      'no X-GitHub-Delivery header',
      { headers: { 'x-github-delivery': undefined } },
      /missing X-GitHub-Delivery header/,
    ],
    [
      'an over-long delivery id',
      { headers: { 'x-github-delivery': 'x'.repeat(300) } },
      /X-GitHub-Delivery header: expected an id/,
    ],
    [
      'a pull request without its head sha',
      { body: pullRequest().replace(`"sha":"${HEAD}"`, '"sha":null') },
      /pull_request\.head\.sha: expected a string/,
    ],
    ['an array', { body: '[]' }, /expected a JSON object/],
  ])(
    'answers 400 naming the problem for %s, and records nothing',
    async (_what, variant: { body?: string; headers?: Record<string, string | undefined> }, message) => {
      const before = await recorded();
      const answer = await postGithub(url, {
        secret: SECRET,
        event: 'pull_request',
        body: variant.body ?? pullRequest(),
        headers: variant.headers,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 'validation_failed', message: expect.stringMatching(message) });
      expect(await recorded()).toEqual(before);
    },
  );

  it('answers 413 above WEBHOOK_BODY_LIMIT, and records nothing', async () => {
    const before = await recorded();
    const big = JSON.stringify({ ...JSON.parse(pullRequest()), padding: 'x'.repeat(BODY_LIMIT) });
    const answer = await postGithub(url, { secret: SECRET, event: 'pull_request', body: big });
    expect(answer).toEqual({
      status: 413,
      body: { code: 'payload_too_large', message: `the body is larger than the limit of ${BODY_LIMIT} bytes` },
    });
    expect(await recorded()).toEqual(before);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await fetch(`${url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ code: 'unsupported_media_type', message: 'send the body as application/json' });
  });

  it('answers 404 with the error body for a route it does not have', async () => {
    const res = await fetch(`${url}/webhooks/pagure`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'not_found', message: 'no route for POST /webhooks/pagure' });
  });

  it('answers 200 ignored for an event it does not act on, recorded as ignored without a message', async () => {
    const delivery = randomUUID();
    const answer = await postGithub(url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('labeled'),
      delivery,
    });
    expect(answer).toEqual({
      status: 200,
      body: { ignored: 'pull_request action "labeled" is not acted on', event_id: expect.any(String) },
    });
    const { rows } = await pool.query('select disposition, type, reason from shared.events where delivery_id = $1', [
      delivery,
    ]);
    expect(rows).toEqual([
      { disposition: 'ignored', type: 'pull_request.labeled', reason: 'pull_request action "labeled" is not acted on' },
    ]);
    expect(await count('shared.outbox', 'msg_id = $1', [delivery])).toBe(0);
  });

  it('accepts while NATS is down: recording never waits for NATS', async () => {
    await nats.stop();
    try {
      const answer = await postGithub(url, { secret: SECRET, event: 'pull_request', body: pullRequest('closed') });
      expect(answer.status).toBe(202);
    } finally {
      await nats.start();
    }
  });
});

describe('bodies jsonb cannot hold as they are', () => {
  it.each([
    ['a lone surrogate', '\\ud800', 'Fix \ufffd'],
    ['a lone low surrogate', '\\udfff', 'Fix \ufffd'],
    ['NUL', '\\u0000', 'Fix \ufffd'],
    ['a proper surrogate pair', '\\ud83d\\ude00', 'Fix \u{1f600}'],
  ])(
    'records a pull request whose title holds %s in a form jsonb stores (lone surrogates and NUL become U+FFFD), once',
    async (_what, escape, stored) => {
      const delivery = randomUUID();
      const body = pullRequest().replace('"title":"Fix"', `"title":"Fix ${escape}"`);
      expect(body).toContain(escape);
      const first = await postGithub(url, { secret: SECRET, event: 'pull_request', body, delivery });
      expect(first.status).toBe(202);
      const { rows } = await pool.query<{ title: string }>(
        `select payload->'pullRequest'->>'title' as title from shared.events where delivery_id = $1`,
        [delivery],
      );
      expect(rows).toEqual([{ title: stored }]);
      const again = await postGithub(url, { secret: SECRET, event: 'pull_request', body, delivery });
      expect(again).toMatchObject({ status: 200, body: { duplicate: delivery } });
    },
  );
});

describe('POST /webhooks/gitlab', () => {
  const mr = (namespace: string) =>
    JSON.stringify({
      object_kind: 'merge_request',
      user: { username: 'alice' },
      project: { web_url: `https://gitlab.com/${namespace}/bash`, path_with_namespace: `${namespace}/bash` },
      object_attributes: {
        action: 'open',
        iid: 3,
        state: 'opened',
        last_commit: { id: HEAD },
        source_branch: 'a',
        target_branch: 'c10s',
      },
    });

  it('accepts a merge request with the right token, routed by namespace to its ecosystem', async () => {
    const uuid = randomUUID();
    const answer = await postGitlab(url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('redhat/centos-stream/rpms'),
      uuid,
    });
    expect(answer.status).toBe(202);
    const outbox = await pool.query('select subject from shared.outbox where msg_id = $1', [uuid]);
    expect(outbox.rows).toEqual([{ subject: 'stream.pull_request.opened' }]);
    const other = randomUUID();
    expect(
      (await postGitlab(url, { token: GITLAB_TOKEN, event: 'Merge Request Hook', body: mr('fedora/src'), uuid: other }))
        .status,
    ).toBe(202);
    expect((await pool.query('select subject from shared.outbox where msg_id = $1', [other])).rows).toEqual([
      { subject: 'upstream.pull_request.opened' },
    ]);
  });

  it.each([
    ['a wrong token', { 'x-gitlab-token': 'nope' }],
    ['a token differing only in length', { 'x-gitlab-token': `${GITLAB_TOKEN}x` }],
    ['no token', { 'x-gitlab-token': undefined }],
  ])('answers 401 for %s and records nothing', async (_what, headers) => {
    const before = await recorded();
    const answer = await postGitlab(url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('acme'),
      headers,
    });
    expect(answer.status).toBe(401);
    expect(await recorded()).toEqual(before);
  });

  it('answers 400 without X-Gitlab-Event or X-Gitlab-Event-UUID', async () => {
    const noEvent = await postGitlab(url, {
      token: GITLAB_TOKEN,
      event: 'x',
      body: mr('acme'),
      headers: { 'x-gitlab-event': undefined },
    });
    expect(noEvent).toMatchObject({ status: 400, body: { message: 'missing X-Gitlab-Event header' } });
    const noUuid = await postGitlab(url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('acme'),
      headers: { 'x-gitlab-event-uuid': undefined },
    });
    expect(noUuid).toMatchObject({ status: 400, body: { message: 'missing X-Gitlab-Event-UUID header' } });
  });
});

describe('POST /webhooks/messages and /webhooks/testing-farm', () => {
  let projectId: string;
  let commitId: string;

  beforeAll(async () => {
    const q = async (text: string, params: unknown[] = []) =>
      String((await pool.query(`${text} returning id`, params)).rows[0].id);
    projectId = await q(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'built')`,
    );
    const refId = await q(`insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '5')`, [
      projectId,
    ]);
    commitId = await q(`insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3)`, [
      projectId,
      refId,
      HEAD,
    ]);
    const pipelineId = await q(
      `insert into shared.pipelines (project_id, commit_id, trigger) values ($1, $2, 'pull_request')`,
      [projectId, commitId],
    );
    const coprStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'copr', 'copr_build')`,
      [pipelineId],
    );
    const testStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'tests', 'tests')`,
      [pipelineId],
    );
    const copr = await q(`insert into upstream.copr_builds default values`);
    await pool.query(`insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id) values ($1, $2)`, [
      coprStep,
      copr,
    ]);
    await q(
      `insert into upstream.copr_build_targets (copr_build_id, target, external_id) values ($1, 'fedora-41-x86_64', '7001')`,
      [copr],
    );
    const run = await q(`insert into upstream.test_runs default values`);
    await pool.query(`insert into upstream.pipeline_step_test_runs (step_id, test_run_id) values ($1, $2)`, [
      testStep,
      run,
    ]);
    await q(
      `insert into upstream.test_run_targets (test_run_id, target, external_id, notification_token_hash) values ($1, 'fedora-41-x86_64', 'tf-req-1', $2)`,
      [run, createHash('sha256').update(TF_TOKEN).digest('hex')],
    );
    // An SRPM build whose chroots have not recorded its build id yet.
    const srpmStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'srpm', 'srpm_build')`,
      [pipelineId],
    );
    const srpm = await q(`insert into upstream.srpm_builds (target, external_id) values ('srpm-builds', '7002')`);
    await pool.query(`insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id) values ($1, $2)`, [
      srpmStep,
      srpm,
    ]);
  });

  const coprEnd = (build: number) => ({
    status: 1,
    chroot: 'fedora-41-x86_64',
    user: 'packit',
    owner: 'packit',
    copr: 'acme-built',
    build,
    pkg: 'built',
    version: '1-1',
  });

  it('routes a Copr result to the ecosystem that owns the build and links it to its pipeline commit', async () => {
    const body = JSON.stringify({
      topic: 'org.fedoraproject.prod.copr.build.end',
      id: `msg-${randomUUID()}`,
      headers: {},
      body: coprEnd(7001),
    });
    const answer = await postMessage(url, { token: MESSAGES_TOKEN, body });
    expect(answer.status).toBe(202);
    const { rows } = await pool.query(
      'select type, ecosystem, project_id, commit_id, delivery_id from shared.events where id = $1',
      [answer.body.event_id],
    );
    expect(rows[0]).toEqual({
      type: 'copr.build_end',
      ecosystem: 'upstream',
      project_id: projectId,
      commit_id: commitId,
      delivery_id: JSON.parse(body).id,
    });
    const outbox = await pool.query('select subject, payload from shared.outbox where msg_id = $1', [
      rows[0].delivery_id,
    ]);
    expect(validateEventMessage(outbox.rows[0].subject, outbox.rows[0].payload)).toMatchObject({
      type: 'copr.build_end',
      copr: { buildId: '7001', status: 'succeeded' },
    });
  });

  it('routes a chroot result of an SRPM build packflow started before the chroot has recorded the build', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.start', ...coprEnd(7002), status: 3 });
    const answer = await postMessage(url, { token: MESSAGES_TOKEN, body });
    expect(answer.status).toBe(202);
    const { rows } = await pool.query('select type, ecosystem, project_id from shared.events where id = $1', [
      answer.body.event_id,
    ]);
    expect(rows[0]).toEqual({ type: 'copr.build_start', ecosystem: 'upstream', project_id: projectId });
  });

  it('records a result for a build packflow never started as ignored', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.end', ...coprEnd(404404) });
    const answer = await postMessage(url, { token: MESSAGES_TOKEN, body });
    expect(answer).toEqual({
      status: 200,
      body: { ignored: 'Copr build 404404 was not started by packflow', event_id: expect.any(String) },
    });
    expect(
      await count('shared.outbox o join shared.events e on e.delivery_id = o.msg_id', 'e.id = $1', [
        answer.body.event_id,
      ]),
    ).toBe(0);
  });

  it('takes the same flat message twice as one delivery', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.start', ...coprEnd(7001), status: 3 });
    expect((await postMessage(url, { token: MESSAGES_TOKEN, body })).status).toBe(202);
    expect(await postMessage(url, { token: MESSAGES_TOKEN, body })).toMatchObject({
      status: 200,
      body: { duplicate: expect.stringMatching(/^sha256:/) },
    });
  });

  it('answers 401 without the bearer token, or with another one', async () => {
    const before = await recorded();
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.end', ...coprEnd(7001) });
    expect((await postMessage(url, { token: null, body })).status).toBe(401);
    expect((await postMessage(url, { token: 'nope', body })).status).toBe(401);
    expect(await recorded()).toEqual(before);
  });

  it('answers 400 for a message without a topic', async () => {
    expect(await postMessage(url, { token: MESSAGES_TOKEN, body: JSON.stringify(coprEnd(1)) })).toMatchObject({
      status: 400,
      body: { message: 'topic: expected a string, got nothing' },
    });
  });

  it('accepts a Testing Farm notification carrying the token packflow gave that request', async () => {
    const answer = await postTestingFarm(
      url,
      JSON.stringify({ request_id: 'tf-req-1', token: TF_TOKEN, source: 'testing-farm' }),
    );
    expect(answer.status).toBe(202);
    const { rows } = await pool.query('select type, ecosystem, project_id, payload from shared.events where id = $1', [
      answer.body.event_id,
    ]);
    expect(rows[0]).toMatchObject({ type: 'testing_farm.notification', ecosystem: 'upstream', project_id: projectId });
    expect(JSON.stringify(rows[0].payload)).not.toContain(TF_TOKEN);
  });

  it.each([
    ['a wrong token', { request_id: 'tf-req-1', token: 'guess' }],
    ['no token', { request_id: 'tf-req-1' }],
    ['a request packflow never made', { request_id: 'tf-req-unknown', token: TF_TOKEN }],
  ])('answers 401 to a Testing Farm notification with %s, and records nothing', async (_what, body) => {
    const before = await recorded();
    expect((await postTestingFarm(url, JSON.stringify(body))).status).toBe(401);
    expect(await recorded()).toEqual(before);
  });
});

describe('secrets', () => {
  it('never appear in log lines or answers', async () => {
    await postGithub(url, { secret: SECRET, event: 'pull_request', body: pullRequest() });
    await postGithub(url, { secret: 'wrong', event: 'pull_request', body: pullRequest() });
    await postGitlab(url, { token: GITLAB_TOKEN, event: 'Push Hook', body: '{}' });
    const answer = await postMessage(url, { token: 'wrong', body: '{}' });
    expect(JSON.stringify(answer)).not.toContain(MESSAGES_TOKEN);
    expect(logLines.length).toBeGreaterThan(0);
    for (const secret of [SECRET, GITLAB_TOKEN, MESSAGES_TOKEN, TF_TOKEN]) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
