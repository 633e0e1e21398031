// The intake's webhook routes against real PostgreSQL and NATS: GitHub (signatures,
// duplicates, limits, NATS down while recording), bodies jsonb cannot hold, GitLab, and
// secrets kept out of logs and answers. The bus and Testing Farm routes are in
// results.intake.test.ts.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { validateEventMessage } from '@packflow/events';
import {
  BODY_LIMIT,
  GITLAB_TOKEN,
  HEAD,
  MESSAGES_TOKEN,
  schedulerFixture,
  SECRET,
  TF_TOKEN,
} from './testing/scheduler.fixture.js';
import { githubSignature, postGithub, postGitlab, postMessage } from './testing/webhook.senders.js';

const f = schedulerFixture();

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

describe('POST /webhooks/github', () => {
  it('accepts a signed pull request: 202 with the event id, event and outbox message recorded together', async () => {
    const delivery = randomUUID();
    const answer = await postGithub(f.url, { secret: SECRET, event: 'pull_request', body: pullRequest(), delivery });
    expect(answer).toEqual({ status: 202, body: { event_id: expect.stringMatching(/^\d+$/) } });
    const eventId = answer.body.event_id as string;
    const event = await f.pool.query(
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
    const published = await f.published(delivery);
    expect(published).toHaveLength(1);
    expect(published[0].subject).toBe('upstream.pull_request.opened');
    const message = validateEventMessage(published[0].subject, published[0].data);
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
    const first = await postGithub(f.url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('synchronize'),
      delivery,
    });
    const second = await postGithub(f.url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('synchronize'),
      delivery,
    });
    expect(first.status).toBe(202);
    expect(second).toEqual({ status: 200, body: { duplicate: delivery, event_id: first.body.event_id } });
    expect(await f.count('shared.events', 'delivery_id = $1', [delivery])).toBe(1);
    expect(await f.published(delivery)).toHaveLength(1);
  });

  it('records the same delivery once when both copies arrive at the same instant', async () => {
    const delivery = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        postGithub(f.url, { secret: SECRET, event: 'pull_request', body: pullRequest('reopened', 'twins'), delivery }),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.duplicate === delivery)).toHaveLength(5);
    expect(await f.count('shared.events', 'delivery_id = $1', [delivery])).toBe(1);
    expect(await f.published(delivery)).toHaveLength(1);
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
      const before = await f.recorded();
      const answer = await postGithub(f.url, {
        secret: SECRET,
        event: 'pull_request',
        body: variant.body ?? pullRequest(),
        headers: variant.headers,
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toEqual({ code: 'unauthorized', message: expect.any(String) });
      expect(await f.recorded()).toEqual(before);
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
      const before = await f.recorded();
      const answer = await postGithub(f.url, {
        secret: SECRET,
        event: 'pull_request',
        body: variant.body ?? pullRequest(),
        headers: variant.headers,
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ code: 'validation_failed', message: expect.stringMatching(message) });
      expect(await f.recorded()).toEqual(before);
    },
  );

  it('answers 413 above WEBHOOK_BODY_LIMIT, and records nothing', async () => {
    const before = await f.recorded();
    const big = JSON.stringify({ ...JSON.parse(pullRequest()), padding: 'x'.repeat(BODY_LIMIT) });
    const answer = await postGithub(f.url, { secret: SECRET, event: 'pull_request', body: big });
    expect(answer).toEqual({
      status: 413,
      body: { code: 'payload_too_large', message: `the body is larger than the limit of ${BODY_LIMIT} bytes` },
    });
    expect(await f.recorded()).toEqual(before);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await fetch(`${f.url}/webhooks/github`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ code: 'unsupported_media_type', message: 'send the body as application/json' });
  });

  it('answers 404 with the error body for a route it does not have', async () => {
    const res = await fetch(`${f.url}/webhooks/pagure`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 'not_found', message: 'no route for POST /webhooks/pagure' });
  });

  it('answers 200 ignored for an event it does not act on, recorded as ignored without a message', async () => {
    const delivery = randomUUID();
    const answer = await postGithub(f.url, {
      secret: SECRET,
      event: 'pull_request',
      body: pullRequest('labeled'),
      delivery,
    });
    expect(answer).toEqual({
      status: 200,
      body: { ignored: 'pull_request action "labeled" is not acted on', event_id: expect.any(String) },
    });
    const { rows } = await f.pool.query('select disposition, type, reason from shared.events where delivery_id = $1', [
      delivery,
    ]);
    expect(rows).toEqual([
      { disposition: 'ignored', type: 'pull_request.labeled', reason: 'pull_request action "labeled" is not acted on' },
    ]);
    expect(await f.published(delivery)).toEqual([]);
  });

  it('accepts while NATS is down: recording never waits for NATS', async () => {
    await f.nats.stop();
    try {
      const answer = await postGithub(f.url, { secret: SECRET, event: 'pull_request', body: pullRequest('closed') });
      expect(answer.status).toBe(202);
    } finally {
      await f.nats.start();
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
      const first = await postGithub(f.url, { secret: SECRET, event: 'pull_request', body, delivery });
      expect(first.status).toBe(202);
      const { rows } = await f.pool.query<{ title: string }>(
        `select payload->'pullRequest'->>'title' as title from shared.events where delivery_id = $1`,
        [delivery],
      );
      expect(rows).toEqual([{ title: stored }]);
      const again = await postGithub(f.url, { secret: SECRET, event: 'pull_request', body, delivery });
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
    const answer = await postGitlab(f.url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('redhat/centos-stream/rpms'),
      uuid,
    });
    expect(answer.status).toBe(202);
    expect((await f.published(uuid)).map((m) => m.subject)).toEqual(['stream.pull_request.opened']);
    const other = randomUUID();
    expect(
      (
        await postGitlab(f.url, {
          token: GITLAB_TOKEN,
          event: 'Merge Request Hook',
          body: mr('fedora/src'),
          uuid: other,
        })
      ).status,
    ).toBe(202);
    expect((await f.published(other)).map((m) => m.subject)).toEqual(['upstream.pull_request.opened']);
  });

  it.each([
    ['a wrong token', { 'x-gitlab-token': 'nope' }],
    ['a token differing only in length', { 'x-gitlab-token': `${GITLAB_TOKEN}x` }],
    ['no token', { 'x-gitlab-token': undefined }],
  ])('answers 401 for %s and records nothing', async (_what, headers) => {
    const before = await f.recorded();
    const answer = await postGitlab(f.url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('acme'),
      headers,
    });
    expect(answer.status).toBe(401);
    expect(await f.recorded()).toEqual(before);
  });

  it('answers 400 without X-Gitlab-Event or X-Gitlab-Event-UUID', async () => {
    const noEvent = await postGitlab(f.url, {
      token: GITLAB_TOKEN,
      event: 'x',
      body: mr('acme'),
      headers: { 'x-gitlab-event': undefined },
    });
    expect(noEvent).toMatchObject({ status: 400, body: { message: 'missing X-Gitlab-Event header' } });
    const noUuid = await postGitlab(f.url, {
      token: GITLAB_TOKEN,
      event: 'Merge Request Hook',
      body: mr('acme'),
      headers: { 'x-gitlab-event-uuid': undefined },
    });
    expect(noUuid).toMatchObject({ status: 400, body: { message: 'missing X-Gitlab-Event-UUID header' } });
  });
});

describe('secrets', () => {
  it('never appear in log lines or answers', async () => {
    await postGithub(f.url, { secret: SECRET, event: 'pull_request', body: pullRequest() });
    await postGithub(f.url, { secret: 'wrong', event: 'pull_request', body: pullRequest() });
    await postGitlab(f.url, { token: GITLAB_TOKEN, event: 'Push Hook', body: '{}' });
    const answer = await postMessage(f.url, { token: 'wrong', body: '{}' });
    expect(JSON.stringify(answer)).not.toContain(MESSAGES_TOKEN);
    expect(f.logLines.length).toBeGreaterThan(0);
    for (const secret of [SECRET, GITLAB_TOKEN, MESSAGES_TOKEN, TF_TOKEN]) {
      expect(f.logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });
});
