import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createLogger, MAX_PAGE } from '@packflow/core';
import { OutboxRelay, packflowEventsStream } from '@packflow/messaging';
import type { RunningService } from '@packflow/platform';
import { startResultsWorker } from '@packflow/results-worker';
import {
  createTestDatabase,
  publishedMessages,
  startNatsServer,
  waitFor,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { startWeb } from '../index.js';

const MYCI_TOKEN = 'myci-token-0123456789abcdef';
const OTHER_TOKEN = 'other-token-0123456789abcdef';
const HASH = 'c9c9735c46f589b9877b7fc00c89ef1b61a31e18';
const BODY_LIMIT = 256 * 1024;

let db: TestDatabase;
let nats: TestNatsServer;
let nc: NatsConnection;
let relay: OutboxRelay;
let web: RunningService;
let worker: RunningService;
let base: string;
/** A submission stored an hour before the services started, as a crash would leave it (no outbox row). */
const leftOver = crypto.randomUUID();

// The whole path of a submission: web (report and outbox row in one transaction) ->
// the scheduler's outbox relay -> JetStream `results.kcidb.submitted` -> results worker.
beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startNatsServer();
  await db
    .pool()
    .query(
      `insert into shared.kcidb_submissions (id, origins, report, received_at) values ($1, '{myci}', $2, now() - interval '1 hour')`,
      [
        leftOver,
        JSON.stringify({
          version: { major: 5 },
          checkouts: [{ id: 'myci:left-over', origin: 'myci', tree_name: 'stable' }],
        }),
      ],
    );
  const logger = createLogger({ name: 'web-test', level: 'silent', pretty: false });
  web = await startWeb({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      WEB_PORT: '0',
      WEB_BODY_LIMIT: String(BODY_LIMIT),
      KCIDB_SUBMITTERS: JSON.stringify({ [MYCI_TOKEN]: ['myci'], [OTHER_TOKEN]: ['other_ci', 'maestro'] }),
    },
    logger,
  });
  base = `${web.url}/api/kcidb`;
  worker = await startResultsWorker({ env: { DATABASE_URL: db.url, NATS_URL: nats.url }, logger });
  nc = await connect({ servers: nats.url });
  relay = new OutboxRelay({ database: db.pool(), nats: nc, logger, streams: [packflowEventsStream()] });
  relay.start();
});
afterAll(async () => {
  await relay?.stop();
  await nc?.drain();
  await worker?.close();
  await web?.close();
  await nats.dispose();
  await db.drop();
});

async function submit(report: unknown, token = MYCI_TOKEN, raw?: string) {
  const response = await fetch(`${base}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: raw ?? JSON.stringify(report),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string) {
  // Submitters' status stays at /api/kcidb; the result queries are under /api/v1/kcidb.
  const response = await fetch(path.startsWith('status') ? `${base}/${path}` : `${web.url}/api/v1/kcidb/${path}`);
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { items: Record<string, unknown>[] },
  };
}

const statusOf = async (id: unknown) => (await get(`status?id=${String(id)}`)).body;
const processed = (id: unknown) =>
  waitFor(async () => ((await statusOf(id)).status === 'processed' ? true : undefined), {
    what: `submission ${String(id)} processed`,
  });

const minimal = (suffix: string) => ({
  version: { major: 5, minor: 3 },
  checkouts: [
    {
      id: `myci:c-${suffix}`,
      origin: 'myci',
      tree_name: 'mainline',
      git_repository_branch: 'master',
      git_repository_url: 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git',
      git_commit_hash: HASH,
      patchset_hash: '',
      start_time: new Date(Date.now() - 3600_000).toISOString(),
    },
  ],
  builds: [
    {
      id: `myci:b-${suffix}`,
      origin: 'myci',
      checkout_id: `myci:c-${suffix}`,
      architecture: 'x86_64',
      config_name: 'defconfig',
      status: 'PASS',
    },
  ],
  tests: [
    {
      id: `myci:t-${suffix}-1`,
      origin: 'myci',
      build_id: `myci:b-${suffix}`,
      path: 'boot',
      status: 'PASS',
      start_time: new Date().toISOString(),
      environment: { misc: { platform: `qemu-${suffix}` } },
    },
    {
      id: `myci:t-${suffix}-2`,
      origin: 'myci',
      build_id: `myci:b-${suffix}`,
      path: 'ltp.sem01',
      status: 'FAIL',
      start_time: new Date().toISOString(),
      environment: { misc: { platform: `qemu-${suffix}` } },
    },
  ],
});

describe('POST /api/kcidb/submit', () => {
  it('answers 202 with an id; the status moves from ready to processed', async () => {
    // Hold a lock on a row the report updates, so its loading waits and "ready" can be seen.
    const client = await db.pool().connect();
    try {
      await client.query(`insert into shared.kcidb_checkouts (id, origin) values ('myci:c-ready', 'myci')`);
      await client.query('begin');
      await client.query(`select 1 from shared.kcidb_checkouts where id = 'myci:c-ready' for update`);
      const { status, body } = await submit(minimal('ready'));
      expect(status).toBe(202);
      expect(body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(await statusOf(body.id)).toMatchObject({ id: body.id, status: 'ready', processed_at: null });
      await client.query('commit');
      await processed(body.id);
      expect(await statusOf(body.id)).toMatchObject({ status: 'processed', processed_at: expect.any(String) });
    } finally {
      client.release();
    }
    const { rows } = await db
      .pool()
      .query(`select tree_name, git_commit_hash from shared.kcidb_checkouts where id = 'myci:c-ready'`);
    expect(rows).toEqual([{ tree_name: 'mainline', git_commit_hash: HASH }]);
  });

  it('announces each submission through the outbox on results.kcidb.submitted', async () => {
    const { body } = await submit(minimal('outbox'));
    const msgId = `kcidb-${String(body.id)}`;
    // Written with the submission, then published (and deleted from the outbox) by the relay.
    expect(
      await publishedMessages({
        pool: db.pool(),
        natsUrl: nats.url,
        stream: packflowEventsStream().name,
        msgIds: [msgId],
      }),
    ).toEqual([
      {
        seq: expect.any(Number),
        subject: 'results.kcidb.submitted',
        msgId,
        data: expect.objectContaining({ type: 'kcidb.submitted', submissionId: body.id, origins: ['myci'] }),
      },
    ]);
    await processed(body.id);
  });

  it('loads submissions left ready before the services started', async () => {
    await processed(leftOver);
    const { rows } = await db.pool().query(`select tree_name from shared.kcidb_checkouts where id = 'myci:left-over'`);
    expect(rows).toEqual([{ tree_name: 'stable' }]);
  });

  it('fills only the null columns when the same ids come again', async () => {
    const first = await submit({
      version: { major: 5 },
      builds: [{ id: 'myci:b-merge', origin: 'myci', checkout_id: 'myci:c-merge', architecture: 'arm64' }],
    });
    await processed(first.body.id);
    const second = await submit({
      version: { major: 5 },
      builds: [
        {
          id: 'myci:b-merge',
          origin: 'myci',
          checkout_id: 'myci:c-other',
          architecture: 'x86_64',
          status: 'FAIL',
          config_name: 'tinyconfig',
        },
      ],
    });
    await processed(second.body.id);
    const { rows } = await db
      .pool()
      .query(
        `select checkout_id, architecture, status, config_name from shared.kcidb_builds where id = 'myci:b-merge'`,
      );
    expect(rows).toEqual([
      { checkout_id: 'myci:c-merge', architecture: 'arm64', status: 'FAIL', config_name: 'tinyconfig' },
    ]);
  });

  it('accepts a test on another origin’s build', async () => {
    const { status, body } = await submit({
      version: { major: 5, minor: 3 },
      tests: [
        {
          id: 'myci:test-42',
          origin: 'myci',
          build_id: 'maestro:67d409f9f378f0c5986dc7df',
          path: 'ltp.sem01',
          status: 'PASS',
        },
      ],
    });
    expect(status).toBe(202);
    await processed(body.id);
  });

  it('refuses a report with an object of an origin the token may not submit for (403 naming it), storing nothing', async () => {
    // Announcements published (the relay deletes what it sent), once the outbox is empty.
    const announced = async () =>
      (await publishedMessages({ pool: db.pool(), natsUrl: nats.url, stream: packflowEventsStream().name })).filter(
        (m) => m.subject === 'results.kcidb.submitted',
      ).length;
    const announcedBefore = await announced();
    const before = await db.pool().query('select count(*)::int as n from shared.kcidb_submissions');
    const report = minimal('forbidden');
    report.tests.push({ ...report.tests[0], id: 'maestro:t-1', origin: 'maestro' });
    const { status, body } = await submit(report);
    expect(status).toBe(403);
    expect(body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('/tests/2') });
    expect(body.message).toContain('maestro:t-1');
    expect(body.errors).toEqual([{ pointer: '/tests/2', message: expect.stringContaining('"maestro"') }]);
    // an id of another origin is refused too, even with an allowed origin field
    const borrowed = await submit({ version: { major: 5 }, checkouts: [{ id: 'maestro:c-1', origin: 'myci' }] });
    expect(borrowed.status).toBe(403);
    expect(borrowed.body.errors).toEqual([
      { pointer: '/checkouts/0', message: expect.stringContaining('maestro:c-1') },
    ]);
    // and the same report is fine for a token allowed that origin
    expect(
      (await submit({ version: { major: 5 }, checkouts: [{ id: 'maestro:c-1', origin: 'maestro' }] }, OTHER_TOKEN))
        .status,
    ).toBe(202);
    const after = await db.pool().query('select count(*)::int as n from shared.kcidb_submissions');
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
    expect(await announced()).toBe(announcedBefore + 1);
  });

  it('answers 401 without a known bearer token, never repeating the token', async () => {
    const none = await submit(minimal('x'), '');
    expect(none.status).toBe(401);
    const wrong = await submit(minimal('x'), 'not-a-token-at-all-12345');
    expect(wrong).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(JSON.stringify(wrong.body)).not.toContain('not-a-token-at-all-12345');
  });

  it('answers 400 listing every violation with its JSON pointer', async () => {
    const { status, body } = await submit({
      version: { major: 5, minor: 3 },
      extra: true,
      tests: [
        {
          id: 'myci:t',
          origin: 'MyCI',
          build_id: null,
          path: 'boot..start',
          status: 'pass',
          environment: { platform: 'x' },
        },
      ],
    });
    expect(status).toBe(400);
    expect(body.code).toBe('validation_failed');
    expect((body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '/extra',
      '/tests/0/build_id',
      '/tests/0/environment/platform',
      '/tests/0/origin',
      '/tests/0/path',
      '/tests/0/status',
    ]);
  });

  it('takes a report as JSON whatever its content type says (curl --data, text/plain, none)', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', undefined]) {
      const response = await fetch(`${base}/submit`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MYCI_TOKEN}`, ...(type ? { 'content-type': type } : {}) },
        body: new TextEncoder().encode(JSON.stringify(minimal(`type-${type ?? 'none'}`.replace(/\W/g, '_')))),
      });
      const answer = await response.json();
      expect({ type, status: response.status, answer }).toEqual({
        type,
        status: 202,
        answer: { id: expect.any(String) },
      });
      await processed((answer as { id: string }).id);
    }
    const broken = await fetch(`${base}/submit`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MYCI_TOKEN}`, 'content-type': 'text/plain' },
      body: '{"version":',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('the body is not JSON'),
    });
  });

  it('answers 400 to a body that is not JSON, and to text the store cannot keep', async () => {
    expect(await submit(undefined, MYCI_TOKEN, '{"version": ')).toEqual({
      status: 400,
      body: { code: 'validation_failed', message: 'the body is not valid JSON' },
    });
    const nul = await submit({
      version: { major: 5 },
      checkouts: [{ id: 'myci:c-nul', origin: 'myci', misc: { note: 'a\u0000b' } }],
    });
    expect(nul).toMatchObject({
      status: 400,
      body: { errors: [{ pointer: '/checkouts/0/misc/note', message: expect.stringContaining('NUL') }] },
    });
  });

  it('reports failed, with the reason, a report the database refuses', async () => {
    const { body } = await submit({
      version: { major: 5 },
      issues: [{ id: 'myci:i-big', origin: 'myci', version: 1e20 }],
    });
    const failed = await waitFor(async () => {
      const state = await statusOf(body.id);
      return state.status === 'failed' ? state : undefined;
    });
    expect(failed.errors).toEqual([{ pointer: '', message: expect.stringContaining('out of range') }]);
  });
});

describe('the error body', () => {
  it('answers a route the web service does not have 404, with the one error body', async () => {
    expect(await get('nothing-here')).toEqual({
      status: 404,
      body: { code: 'not_found', message: 'no route for GET /api/v1/kcidb/nothing-here' },
    });
  });

  it('answers a report above WEB_BODY_LIMIT 413, and stores nothing', async () => {
    const before = await db.pool().query('select count(*)::int as n from shared.kcidb_submissions');
    const big = { ...minimal('big'), padding: 'x'.repeat(BODY_LIMIT) };
    expect(await submit(big)).toEqual({
      status: 413,
      body: { code: 'payload_too_large', message: `the body is larger than the limit of ${BODY_LIMIT} bytes` },
    });
    const after = await db.pool().query('select count(*)::int as n from shared.kcidb_submissions');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });
});

describe('GET /api/kcidb/status', () => {
  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect(await get(`status?id=${crypto.randomUUID()}`)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await get('status?id=42')).toMatchObject({ status: 400, body: { errors: [{ pointer: '/id' }] } });
  });
});

describe('KCIDB queries over HTTP', () => {
  it('serves trees, revision, hardware, test history and path rollup', async () => {
    const { body } = await submit(minimal('q'));
    await processed(body.id);
    const trees = await get('trees?origin=myci');
    expect(trees.status).toBe(200);
    const tree = trees.body.items.find((t) => t.checkout_id === 'myci:c-q');
    expect(tree).toMatchObject({
      builds: { pass: 1, total: 1 },
      boots: { pass: 1, total: 1 },
      tests: { fail: 1, total: 1 },
    });
    const revision = await get(`revision?commit=${HASH}&patchset=`);
    expect(revision.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'myci:b-q', test_status: 'FAIL' })]),
    );
    const hardware = await get('hardware');
    expect(hardware.body.items).toEqual(
      expect.arrayContaining([
        {
          hardware: 'qemu-q',
          platforms: ['qemu-q'],
          boots: { pass: 1, fail: 0, inconclusive: 0 },
          tests: { pass: 0, fail: 1, inconclusive: 0 },
        },
      ]),
    );
    const results = await get('hardware/results?hardware=qemu-q');
    expect(results.body.items.map((t) => t.id).sort()).toEqual(['myci:t-q-1', 'myci:t-q-2']);
    const history = await get('test-history?path=ltp.sem01&platform=qemu-q&branch=master');
    expect(history.body.items.map((t) => [t.id, t.status])).toEqual([['myci:t-q-2', 'FAIL']]);
    const rollup = await get('path-rollup?build_id=myci:b-q');
    expect(rollup.body.items.map((r) => [r.path, r.status])).toEqual([
      ['', 'FAIL'],
      ['boot', 'PASS'],
      ['ltp', 'FAIL'],
      ['ltp.sem01', 'FAIL'],
    ]);
  });

  it('pages by cursor: a test stored ahead of the cursor between two fetches moves no row of the next pages', async () => {
    for (const suffix of ['p1', 'p2', 'p3']) await processed((await submit(minimal(suffix))).body.id);
    const list = 'test-history?path=ltp.sem01&origin=myci';
    const whole = (await get(list)).body.items.map((t) => t.id);
    expect(whole.slice(0, 3)).toEqual(['myci:t-p3-2', 'myci:t-p2-2', 'myci:t-p1-2']);
    const first = await get(`${list}&limit=2`);
    expect(first.body).toMatchObject({ items: [{ id: whole[0] }, { id: whole[1] }], next: whole[1] });
    await processed((await submit(minimal('p4'))).body.id);
    const seen = first.body.items.map((t) => t.id);
    for (let next = first.body.next as string | null; next !== null;) {
      const page = await get(`${list}&limit=2&cursor=${encodeURIComponent(next)}`);
      seen.push(...page.body.items.map((t) => t.id));
      next = page.body.next as string | null;
    }
    expect(seen).toEqual(whole);
    expect((await get(list)).body.items[0]).toMatchObject({ id: 'myci:t-p4-2' });
  });

  it('walks a path rollup one row at a time, the root path "" being a cursor too', async () => {
    const whole = (await get('path-rollup?build_id=myci:b-p1')).body.items.map((r) => r.path);
    const seen: unknown[] = [];
    for (let next: unknown = undefined; next !== null;) {
      const cursor = next === undefined ? '' : `&cursor=${encodeURIComponent(String(next))}`;
      const page = await get(`path-rollup?build_id=myci:b-p1&limit=1${cursor}`);
      seen.push(...page.body.items.map((r) => r.path));
      next = page.body.next;
    }
    expect(seen).toEqual(whole);
  });

  it('answers 400 naming bad parameters, a bad cursor among them; a limit above the largest page counts as it', async () => {
    const { status, body } = await get('trees?limit=0&shape=round&cursor=no-origin');
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'validation_failed', message: expect.any(String) });
    expect((body.errors as { pointer: string }[]).map((e) => e.pointer).sort()).toEqual([
      '/cursor',
      '/limit',
      '/shape',
    ]);
    expect(await get('hardware?offset=10')).toMatchObject({ status: 400, body: { errors: [{ pointer: '/offset' }] } });
    expect(await get(`trees?limit=${MAX_PAGE * 100}`)).toMatchObject({ status: 200, body: { next: null } });
  });

  it('describes cursor and limit, not offset, in the OpenAPI document', async () => {
    const document = (await (await fetch(`${web.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const lists = Object.entries(document.paths).filter(([path]) => path.startsWith('/api/v1/kcidb/'));
    expect(lists).toHaveLength(6);
    for (const [, route] of lists) {
      const names = route.get?.parameters?.map((p) => p.name) ?? [];
      expect(names).toEqual(expect.arrayContaining(['cursor', 'limit']));
      expect(names).not.toContain('offset');
    }
  });
});
