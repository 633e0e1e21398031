// `pnpm start` on a fresh checkout: no DATABASE_URL, so embedded PGlite; migrations at
// start; scheduler and web serve /healthz and /readyz; the CLI reaches the same database;
// a KCIDB report submitted to web is loaded by the results worker through the outbox and
// JetStream; Ctrl-C stops everything with exit 0. It runs with a forge identity (a GitLab
// token), so the sandbox must not run: no fakes, the web says it is no sandbox, and
// `packflow sandbox` finds none (even with PACKFLOW_SANDBOX=true in the environment).
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@packflow/cli/testing';
import { repoRoot, startNatsServer, waitFor, type TestNatsServer } from '@packflow/testing';

let stateDir: string;
let nats: TestNatsServer | undefined;
afterAll(async () => {
  await nats?.dispose();
  await rm(stateDir, { recursive: true, force: true });
});
const TOKEN = 'start-e2e-token-0123456789';

describe('pnpm start', () => {
  it('runs every service on embedded PostgreSQL, serves /healthz and stops cleanly', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'pf-start-'));
    nats = await startNatsServer();
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_OPTIONS: '',
      PACKFLOW_STATE_DIR: stateDir,
      SCHEDULER_PORT: '0',
      WEB_PORT: '0',
      NATS_URL: nats.url,
      LOG_LEVEL: 'warn',
      KCIDB_SUBMITTERS: JSON.stringify({ [TOKEN]: ['myci'] }),
    };
    delete env.DATABASE_URL;
    for (const name of ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY']) delete env[name];
    // An identity (never used: no GitLab event arrives), and a stray sandbox flag that must not count.
    env.GITLAB_TOKEN = 'glpat-start-e2e-not-a-real-token';
    env.GITLAB_URL = 'http://127.0.0.1:9';
    env.PACKFLOW_SANDBOX = 'true';
    // `pnpm start` itself, in a process group of its own: Ctrl-C in a terminal signals the
    // whole group (pnpm, the shell it runs the script in, and packflow), and pnpm forwards
    // its copy too; packflow must still end with 0 and pnpm print no "Command failed".
    const child = spawn('pnpm', ['start'], { cwd: repoRoot(), env, detached: true });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('press Ctrl-C to stop'), { what: 'packflow to start', timeoutMs: 90_000 });
      // A forge identity is set: no sandbox, and the banner says none.
      expect(out).not.toMatch(/sandbox/i);
      // Its own instance on the shared NATS, named after the state directory.
      expect(out).toMatch(/packflow instance: local-[0-9a-f]{8} \(JetStream stream local-[0-9a-f]{8}_PACKFLOW_EVENTS/);
      const urls = [...out.matchAll(/packflow (\S+) listening on (http:\/\/\S+) /g)].map((m) => [m[1], m[2]]);
      expect(urls.map(([name]) => name).sort()).toEqual(['scheduler', 'web']);
      for (const [, url] of urls) {
        for (const probe of ['/healthz', '/readyz']) {
          const res = await fetch(`${url}${probe}`);
          expect(res.status).toBe(200);
          expect(await res.json()).toEqual({ status: 'ok', database: 'ok', nats: 'ok' });
        }
      }
      // The CLI, without DATABASE_URL, reaches the database `start` holds (at the address it
      // wrote in the state directory), not another one.
      const cliEnv = { PACKFLOW_STATE_DIR: stateDir, DATABASE_URL: undefined };
      const migrations = await runCli(['migrate', 'status', '--json'], cliEnv);
      expect(migrations.code).toBe(0);
      for (const b of JSON.parse(migrations.stdout).bases) expect(b.pending).toEqual([]);
      expect(await runCli(['dead-letters', 'list'], cliEnv)).toEqual({
        code: 0,
        stdout: 'no dead letters\n',
        stderr: '',
      });
      const web = urls.find(([name]) => name === 'web')![1];
      expect(await (await fetch(`${web}/api/v1/about`)).json()).toEqual({ sandbox: false });
      const sandbox = await runCli(['sandbox', 'pull-request'], cliEnv);
      expect(sandbox.code).toBe(2);
      expect(sandbox.stderr).toContain('no packflow sandbox is running for the state directory');
      const submitted = await fetch(`${web}/api/kcidb/submit`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({
          version: { major: 5, minor: 3 },
          checkouts: [
            {
              id: 'myci:start-e2e',
              origin: 'myci',
              tree_name: 'mainline',
              git_repository_branch: 'master',
              start_time: new Date().toISOString(),
            },
          ],
        }),
      });
      expect(submitted.status).toBe(202);
      const { id } = (await submitted.json()) as { id: string };
      const status = await waitFor(
        async () => {
          const body = (await (await fetch(`${web}/api/kcidb/status?id=${id}`)).json()) as { status: string };
          return body.status === 'ready' ? undefined : body;
        },
        { what: 'the submission to be loaded', timeoutMs: 30_000 },
      );
      expect(status).toMatchObject({ id, status: 'processed' });
      const trees = (await (await fetch(`${web}/api/v1/kcidb/trees?origin=myci`)).json()) as {
        items: { checkout_id: string }[];
      };
      expect(trees.items.map((t) => t.checkout_id)).toEqual(['myci:start-e2e']);
      // The API reads the same database, and the dashboard is served at the page check runs link to.
      const projects = await fetch(`${web}/api/v1/projects`);
      expect(projects.status).toBe(200);
      expect(await projects.json()).toEqual({ items: [], next: null });
      const page = await fetch(`${web}/pipelines/1`);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<div id="root">');
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
      expect(out).not.toMatch(/Command failed|ELIFECYCLE/);
    }
  }, 120_000);
});
