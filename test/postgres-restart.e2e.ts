// PostgreSQL restarts under running services (issue 11: the upstream worker's pool had no
// 'error' listener, so a restart killed the process). The scheduler, upstream worker,
// results worker and web run as deployments do (each its own main, its own process)
// against a PostgreSQL and a nats-server of this test's own; the server is stopped
// (`pg_ctl stop -m fast`, every connection ended) and started again, and each process must
// still be running and doing its work: a pull request sent afterwards builds in the fake
// Copr, a KCIDB report submitted afterwards is loaded, `/healthz` answered 200 throughout and
// `/readyz` 503 while the database is down.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { Database, createLogger } from '@packflow/core';
import { FakeGithub } from '@packflow/forges/testing';
import {
  FakeCopr,
  spawnServiceMain,
  startNatsServer,
  startPostgres,
  waitFor,
  type ServiceProcess,
  type TestNatsServer,
  type TestPostgres,
} from '@packflow/testing';

const REPO = 'acme/widget';
const SECRET = 'restart-webhook-secret';
const MESSAGES_TOKEN = 'restart-messages-token';
const KCIDB_TOKEN = 'restart-kcidb-token';
const CONFIG = `specfile_path: widget.spec
downstream_package_name: widget
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-41-x86_64]
`;
const logger = createLogger({ name: 'e2e', level: 'silent' });

let pg: TestPostgres;
let nats: TestNatsServer;
let github: FakeGithub;
let copr: FakeCopr;
let database: Database;
const processes: Record<'scheduler' | 'web' | 'upstream' | 'results', ServiceProcess> = {} as never;
let schedulerUrl: string;
let webUrl: string;

/** Started processes on a busy machine may take a while; the wait ends as soon as they are up. */
const STARTING_MS = 120_000;

/** The `url` of the log line `msg` once the process wrote it. */
const startedUrl = (child: ServiceProcess, msg: string) =>
  child.waitForOutput((out) => out.match(new RegExp(`"url":"([^"]+)","msg":"${msg}"`))?.[1], msg, STARTING_MS);

beforeAll(async () => {
  [pg, nats] = await Promise.all([startPostgres({ migrated: true }), startNatsServer()]);
  database = new Database({ url: pg.url, logger, name: 'e2e-checks' });
  const common = { DATABASE_URL: pg.url, NATS_URL: nats.url };
  processes.scheduler = spawnServiceMain('services/scheduler/src/main.ts', {
    ...common,
    SCHEDULER_PORT: '0',
    GITHUB_WEBHOOK_SECRET: SECRET,
    MESSAGES_TOKEN,
  });
  processes.web = spawnServiceMain('services/web/src/main.ts', {
    ...common,
    WEB_PORT: '0',
    KCIDB_SUBMITTERS: JSON.stringify({ [KCIDB_TOKEN]: ['myci'] }),
  });
  // The sweep and the reconciler run often, so both meet the outage.
  processes.results = spawnServiceMain('services/results-worker/src/main.ts', {
    ...common,
    KCIDB_SWEEP_INTERVAL_MS: '300',
  });
  schedulerUrl = await startedUrl(processes.scheduler, 'scheduler started');
  webUrl = await startedUrl(processes.web, 'web started');

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  [github, copr] = await Promise.all([
    FakeGithub.start({
      appId: 42,
      appKey: privateKey,
      webhook: { url: `${schedulerUrl}/webhooks/github`, secret: SECRET },
    }),
    FakeCopr.start({ messages: { url: `${schedulerUrl}/webhooks/messages`, token: MESSAGES_TOKEN } }),
  ]);
  processes.upstream = spawnServiceMain('services/upstream-worker/src/main.ts', {
    ...common,
    GITHUB_APP_ID: '42',
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    GITHUB_API_URL: github.url,
    COPR_URL: copr.url,
    COPR_LOGIN: copr.login,
    COPR_TOKEN: copr.token,
    PACKFLOW_PUBLIC_URL: schedulerUrl,
    RECONCILE_INTERVAL_MS: '300',
  });
  for (const [p, line] of [
    [processes.upstream, 'upstream-worker started'],
    [processes.results, 'results-worker started'],
  ] as const) {
    await p.waitForOutput((out) => out.includes(line), line, STARTING_MS);
  }
  github.setPermission(REPO, 'maintainer', 'write');
}, 400_000);

afterAll(async () => {
  await Promise.all(Object.values(processes).map((p) => p.terminate()));
  await database?.close();
  await Promise.all([github?.close(), copr?.close()]);
  await nats?.dispose();
  await pg?.dispose();
});

const probe = async (url: string, path: '/healthz' | '/readyz') => {
  const response = await fetch(`${url}${path}`);
  return { status: response.status, body: (await response.json()) as { database: string } };
};

/** Pipelines of pull request `number`, read on the test's own handle. */
const pipelinesOf = async (number: number) =>
  (
    await database.query<{ n: number }>(
      `select count(*)::int as n from shared.pipelines p
         join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
        where r.kind = 'pull_request' and r.name = $1`,
      [String(number)],
    )
  ).rows[0].n;

/** Opens pull request `number` and waits until its pipeline has submitted a build to the fake Copr. */
async function pullRequestBuilds(number: number): Promise<void> {
  const sha = String(number).repeat(40).slice(0, 40);
  github.setFile(REPO, sha, '.packit.yaml', CONFIG);
  github.setPullRequestFiles(REPO, number, [{ filename: 'src/widget.c' }]);
  const builds = copr.builds.size;
  const sent = await github.emitPullRequest(REPO, { number, headSha: sha, sender: 'maintainer' });
  expect(sent.status).toBe(202);
  await waitFor(() => copr.builds.size > builds, {
    what: `a Copr build for pull request ${number}`,
    timeoutMs: 30_000,
  });
  expect(await pipelinesOf(number)).toBe(1);
}

async function submitKcidb(suffix: string): Promise<string> {
  const response = await fetch(`${webUrl}/api/kcidb/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KCIDB_TOKEN}` },
    body: JSON.stringify({
      version: { major: 5, minor: 3 },
      checkouts: [{ id: `myci:c-${suffix}`, origin: 'myci', start_time: new Date().toISOString() }],
    }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const loaded = (id: string) =>
  waitFor(
    async () =>
      (await database.query(`select 1 from shared.kcidb_submissions where id = $1 and status = 'processed'`, [id])).rows
        .length === 1,
    { what: `KCIDB submission ${id} to be loaded`, timeoutMs: 30_000 },
  );

describe('a PostgreSQL restart under running services', () => {
  it('leaves every process running, alive (/healthz) and not ready (/readyz) during the outage, and doing its work afterwards', async () => {
    // Before: everything works, and every service holds pooled connections.
    await pullRequestBuilds(7);
    await loaded(await submitKcidb('before'));
    for (const url of [schedulerUrl, webUrl]) expect((await probe(url, '/readyz')).status).toBe(200);

    await pg.stop();

    // Down: the HTTP services still answer, naming the database: not ready (503), but alive
    // (200: a restart would not bring the database back); every process saw its
    // connections end, and logged it rather than dying.
    for (const url of [schedulerUrl, webUrl]) {
      const down = await probe(url, '/readyz');
      expect(down.status).toBe(503);
      expect(down.body.database).toMatch(/^unreachable: /);
      const live = await probe(url, '/healthz');
      expect(live.status).toBe(200);
      expect(live.body.database).toMatch(/^unreachable: /);
    }
    for (const p of Object.values(processes)) {
      await p.waitForOutput((out) => out.includes('idle database connection lost'), 'the lost connections logged');
    }
    // The reconciler and the sweep ran into the outage and will try again.
    await processes.upstream.waitForOutput(
      (out) => out.includes('reconciling failed; will try again'),
      'a reconcile pass during the outage',
    );
    await processes.results.waitForOutput(
      (out) => out.includes('KCIDB sweep failed; the next one retries'),
      'a sweep during the outage',
    );

    await pg.start();
    for (const url of [schedulerUrl, webUrl]) {
      await waitFor(async () => (await probe(url, '/readyz')).status === 200, {
        what: `${url}/readyz to be 200 again`,
      });
    }

    // After: a pull request runs through scheduler, NATS and upstream worker to Copr, and
    // a KCIDB report through web, the outbox relay and the results worker.
    await pullRequestBuilds(8);
    await loaded(await submitKcidb('after'));
    for (const [name, p] of Object.entries(processes)) {
      expect([name, p.exited()]).toEqual([name, undefined]);
      expect(p.errorOutput()).not.toMatch(/Unhandled 'error' event|uncaught/i);
    }
  }, 180_000);
});
