// The two-minute tour of the README, as a new user runs it: `pnpm start` with no forge
// identity runs the sandbox (a local GitHub, Copr and Testing Farm); `packflow sandbox
// pull-request --fail <chroot>` opens a pull request there, which reaches packflow as a
// signed webhook, and prints the dashboard page of its pipeline. The pipeline runs through
// the sandbox Copr and Testing Farm by itself: the failed chroot fails, the other builds, and
// its tests fail with `--fail-tests`. On the pull request, `/packit retest-failed` reruns only
// those tests, and `/packit rebuild-failed` only the failed chroot (and its tests).
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

interface PipelineView {
  id: string;
  status: string;
  rerunOf: string | null;
  steps: { job: string; targets: { target: string; status: string; attempt: number; reused?: boolean }[] }[];
}

const FAILED = 'fedora-rawhide-x86_64';
const OTHER = 'fedora-45-x86_64';
const FINISHED = ['success', 'failure', 'error', 'cancelled'];

/** Each step's targets as `job target status`, for one look at a whole pipeline. */
const states = (p: PipelineView) =>
  p.steps.flatMap((s) => s.targets.map((t) => `${s.job} ${t.target} ${t.status}`)).sort();

describe('the sandbox of pnpm start', () => {
  it('runs a pull request through the sandbox forge, Copr and Testing Farm; comments rerun what failed', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'pf-sandbox-'));
    nats = await startNatsServer();
    const env: Record<string, string | undefined> = {
      ...process.env,
      NODE_OPTIONS: '',
      PACKFLOW_STATE_DIR: stateDir,
      SCHEDULER_PORT: '0',
      WEB_PORT: '0',
      NATS_URL: nats.url,
      LOG_LEVEL: 'warn',
      PACKFLOW_SANDBOX_STEP_MS: '1000',
    };
    delete env.DATABASE_URL;
    for (const name of ['GITHUB_APP_ID', 'GITHUB_APP_PRIVATE_KEY', 'GITLAB_TOKEN', 'PACKFLOW_SANDBOX'])
      delete env[name];
    // `pnpm start` itself, in a process group of its own (as a terminal's Ctrl-C reaches it).
    const child = spawn('pnpm', ['start'], { cwd: repoRoot(), env, detached: true });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitFor(() => out.includes('press Ctrl-C to stop'), { what: 'packflow to start', timeoutMs: 90_000 });
      expect(out).toContain('packflow SANDBOX: no forge identity is set');
      const web = /packflow web listening on (http:\/\/\S+) /.exec(out)![1];
      expect(await (await fetch(`${web}/api/v1/about`)).json()).toEqual({ sandbox: true });

      const cliEnv = { PACKFLOW_STATE_DIR: stateDir, DATABASE_URL: undefined };
      const opened = await runCli(['sandbox', 'pull-request', '--fail', FAILED, '--fail-tests', OTHER], cliEnv);
      expect(opened).toMatchObject({ code: 0, stderr: '' });
      expect(opened.stdout).toMatch(/^sandbox: opened pull request #1 \(head [0-9a-f]{7}\): http/m);
      expect(opened.stdout).toContain(`the sandbox Copr fails ${FAILED} on this first build`);
      expect(opened.stdout).toContain(`the sandbox Testing Farm fails the first test run on ${OTHER}`);
      const [, url, id] = /^pipeline \d+: (http:\/\/\S+\/pipelines\/(\d+))$/m.exec(opened.stdout)!;
      expect(url).toBe(`${web}/pipelines/${id}`);
      const page = await fetch(url);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await page.text()).toContain('<div id="root">');

      const pipeline = async (pid: string) => {
        let last: PipelineView | undefined;
        try {
          return await waitFor(
            async () => {
              last = (await (await fetch(`${web}/api/v1/pipelines/${pid}`)).json()) as PipelineView;
              return FINISHED.includes(last.status) ? last : undefined;
            },
            { what: `pipeline ${pid} to finish`, timeoutMs: 60_000 },
          );
        } catch (error) {
          // What it was waiting in, and what packflow logged, to tell why.
          throw new Error(`${(error as Error).message}: ${last && states(last).join('; ')}\n${out.slice(-4000)}`);
        }
      };
      const first = await pipeline(id);
      expect(first.status).toBe('failure');
      expect(states(first)).toEqual([
        `copr_build ${OTHER} success`,
        `copr_build ${FAILED} failure`,
        'srpm_build srpm-builds success',
        `tests ${OTHER} failure`,
        `tests ${FAILED} skipped`,
      ]);

      /** Comments on the pull request; the rerun it starts, finished, and what it ran anew. */
      const comment = async (text: string) => {
        const r = await runCli(['sandbox', 'comment', '1', text], cliEnv);
        expect(r).toMatchObject({ code: 0, stderr: '' });
        const rerun = await pipeline(/^pipeline (\d+): /m.exec(r.stdout)![1]);
        const again = rerun.steps.flatMap((s) =>
          s.targets.filter((t) => !t.reused).map((t) => `${s.job} ${t.target} ${t.attempt}`),
        );
        return { rerun, again: again.sort() };
      };
      const retest = await comment('/packit retest-failed');
      expect(retest.rerun.rerunOf).toBe(id);
      expect(retest.again).toEqual([`tests ${OTHER} 2`]);
      expect(states(retest.rerun)).toContain(`tests ${OTHER} success`);

      const rebuild = await comment('/packit rebuild-failed');
      expect(rebuild.rerun).toMatchObject({ status: 'success', rerunOf: retest.rerun.id });
      expect(rebuild.again).toEqual([`copr_build ${FAILED} 2`, `tests ${FAILED} 2`]);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGINT');
      expect(await exited).toBe(0);
    }
    // Stopped: the CLI says so instead of failing to connect.
    const stopped = await runCli(['sandbox', 'pull-request'], { PACKFLOW_STATE_DIR: stateDir });
    expect(stopped.code).toBe(2);
    expect(stopped.stderr).toMatch(/^packflow: no packflow sandbox is running for the state directory /);
  }, 240_000);
});
