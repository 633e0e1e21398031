// The sandbox of `pnpm start` without a forge identity: the fakes the tests use (GitHub,
// Copr, Testing Farm) in their realistic mode — builds and test runs take a few seconds
// and write logs — wired as this instance's GitHub App, Copr and Testing Farm. A control
// server on 127.0.0.1 lets `pnpm packflow sandbox …` open pull requests, push, publish
// releases and comment there; the fake GitHub then sends packflow the signed webhook, as
// GitHub would. Loaded only when the sandbox runs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@packflow/core';
import { FakeGithub, type FakeGithubOptions } from '@packflow/forges/testing';
import { FakeCopr, FakeTestingFarm, type FakeCoprBuild, type FakeTfRequest } from '@packflow/testing/fakes';
import {
  newSha,
  SANDBOX_REPO,
  SANDBOX_SPEC,
  SANDBOX_USER,
  DEFAULT_SANDBOX_CONFIG,
  SandboxProject,
} from './sandbox.project.js';
import { removeSandboxHandle, writeSandboxHandle } from './sandbox.state.js';

/** What the control server answers for a change or a comment it made in the forge. */
export interface SandboxChange {
  /** `pull_request`, `push`, `release` or `issue_comment`: the webhook GitHub sends for it. */
  eventType: string;
  /** The webhook body sent to packflow. */
  payload: unknown;
  /** The .packit.yaml of the change (none for comments). */
  config?: string;
  /** packflow's answer to it. */
  delivery: { status?: number; body?: unknown; error?: string };
  /** What was done, for people. */
  summary: string;
  /** The sandbox forge's page of it. */
  url: string;
  /** packflow's comments on the pull request since (the `replies` action). */
  replies?: string[];
}

export interface Sandbox {
  /** The services' settings: the fakes as this instance's GitHub App, Copr and Testing Farm. */
  env: Record<string, string>;
  /** Where each fake listens (for the banner). */
  endpoints: { github: string; copr: string; testingFarm: string };
  /** Once scheduler and web listen: the fakes send there, and the CLI can find the sandbox. */
  attach(o: { schedulerUrl: string; webUrl: string; webhookSecret: string; messagesToken: string }): Promise<void>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  stateDir: string;
  logger: Logger;
  /** How long each build or test stage takes (PACKFLOW_SANDBOX_STEP_MS, default 2000). */
  stepMs: number;
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const project = await SandboxProject.load(o.stateDir);
  // Chroots to fail on the first Copr build of a commit (`--fail`): the build of that
  // commit's SRPM fails there, as a flaky build would; a rebuild from the SRPM passes.
  const failing = new Map<string, Set<string>>();
  const result = (build: FakeCoprBuild, chroot: string) => {
    const script = String(build.request.script ?? '');
    for (const [sha, chroots] of failing) if (script.includes(sha) && chroots.has(chroot)) return 'failed' as const;
    return 'succeeded' as const;
  };
  // Chroots whose first test run of a commit fails (`--fail-tests`); a retest passes.
  const failingTests = new Map<string, Set<string>>();
  const testResult = (request: FakeTfRequest) => {
    const build = request.environments[0]?.artifacts.find((a) => a.type === 'fedora-copr-build');
    const chroot = build?.id.split(':')[1];
    return chroot && failingTests.get(request.fmf.ref ?? '')?.delete(chroot)
      ? ('failed' as const)
      : ('passed' as const);
  };
  // On the port of the last run when it is free: the project (its instance URL) stays the same.
  const startGithub = async (options: FakeGithubOptions) => {
    const port = project.state.githubPort;
    const github = await (port ? FakeGithub.start(options, port).catch(() => undefined) : undefined);
    return github ?? FakeGithub.start(options);
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const [github, copr, tf] = await Promise.all([
    startGithub({ appId: 1, appKey: privateKey, appSlug: 'packflow-sandbox', defaultRole: 'write' }),
    FakeCopr.start({ autoRun: { stepMs: o.stepMs, result }, package: { name: 'hello', version: '1.0-1' } }),
    FakeTestingFarm.start({ autoRun: { stepMs: o.stepMs, result: testResult } }),
  ]);
  // Its pages and the projects in its webhooks are on its own address, which is the
  // instance this GitHub App serves.
  github.setWebUrl(github.url);
  project.state.githubPort = Number(new URL(github.url).port);
  await project.save();
  for (const [sha, config] of Object.entries(project.state.configs)) {
    github.setFile(SANDBOX_REPO, sha, '.packit.yaml', config);
    github.setFile(SANDBOX_REPO, sha, 'hello.spec', SANDBOX_SPEC);
  }
  for (const n of Object.keys(project.state.pulls))
    github.setPullRequestFiles(SANDBOX_REPO, Number(n), ['hello.spec', '.packit.yaml']);

  const commit = (config: string | undefined, fail: string[], failTests: string[]) => {
    const sha = newSha();
    project.state.configs[sha] = config ?? DEFAULT_SANDBOX_CONFIG;
    github.setFile(SANDBOX_REPO, sha, '.packit.yaml', project.state.configs[sha]);
    github.setFile(SANDBOX_REPO, sha, 'hello.spec', SANDBOX_SPEC);
    if (fail.length) failing.set(sha, new Set(fail));
    if (failTests.length) failingTests.set(sha, new Set(failTests));
    return sha;
  };
  const answer = (
    sent: { status?: number; responseText?: string; error?: string; payload: unknown },
    eventType: string,
    summary: string,
    url: string,
    sha?: string,
  ): SandboxChange => ({
    eventType,
    config: sha ? project.state.configs[sha] : undefined,
    payload: sent.payload,
    delivery: { status: sent.status, body: parseJson(sent.responseText), error: sent.error },
    summary,
    url,
  });

  const actions: Record<string, (body: Record<string, unknown>) => Promise<SandboxChange>> = {
    async 'pull-request'(body) {
      const number = project.state.nextPullRequest++;
      const sha = commit(optionalString(body.config), strings(body.fail), strings(body.failTests));
      project.state.pulls[String(number)] = sha;
      await project.save();
      github.setPullRequestFiles(SANDBOX_REPO, number, ['hello.spec', '.packit.yaml']);
      const sent = await github.emitPullRequest(SANDBOX_REPO, {
        number,
        headSha: sha,
        headRef: `change-${number}`,
        title: `Sandbox change ${number}`,
        sender: SANDBOX_USER,
      });
      const url = `${github.webUrl}/${SANDBOX_REPO}/pull/${number}`;
      return answer(sent, 'pull_request', `opened pull request #${number} (head ${sha.slice(0, 7)})`, url, sha);
    },
    async push(body) {
      const before = project.state.main ?? newSha();
      const sha = commit(optionalString(body.config), strings(body.fail), strings(body.failTests));
      project.state.main = sha;
      await project.save();
      const files = ['hello.spec', '.packit.yaml'];
      github.setCompareFiles(SANDBOX_REPO, before, sha, files);
      const sent = await github.emitPush(SANDBOX_REPO, {
        branch: 'main',
        headSha: sha,
        before,
        files,
        sender: SANDBOX_USER,
      });
      const url = `${github.webUrl}/${SANDBOX_REPO}/commit/${sha}`;
      return answer(sent, 'push', `pushed ${sha.slice(0, 7)} to main`, url, sha);
    },
    async release(body) {
      const sha = commit(optionalString(body.config), strings(body.fail), strings(body.failTests));
      const tag = optionalString(body.tag) ?? `v1.0.${Object.keys(project.state.configs).length}`;
      project.state.main = sha;
      await project.save();
      github.setFile(SANDBOX_REPO, tag, '.packit.yaml', project.state.configs[sha]);
      github.setFile(SANDBOX_REPO, tag, 'hello.spec', SANDBOX_SPEC);
      const sent = await github.emitRelease(SANDBOX_REPO, { tag, targetCommitish: sha, sender: SANDBOX_USER });
      const url = `${github.webUrl}/${SANDBOX_REPO}/releases/tag/${tag}`;
      return answer(sent, 'release', `published release ${tag} (commit ${sha.slice(0, 7)})`, url, sha);
    },
    async comment(body) {
      const number = Number(body.number);
      const text = optionalString(body.body);
      if (!project.state.pulls[String(number)])
        throw new ControlError(404, `the sandbox has no pull request #${body.number}`);
      if (!text) throw new ControlError(400, 'the comment is empty');
      const sent = await github.emitIssueComment(SANDBOX_REPO, number, text, { sender: SANDBOX_USER });
      const url = `${github.webUrl}/${SANDBOX_REPO}/pull/${number}`;
      return answer(sent, 'issue_comment', `commented on pull request #${number}: ${text}`, url);
    },
  };

  // packflow's replies on a pull request after a comment (`/packit help`, refusals).
  actions.replies = async (body) => {
    const number = Number(body.number);
    const after = Number(body.after ?? 0);
    const replies = github.comments
      .filter((c) => c.repo === SANDBOX_REPO && c.issueNumber === number && c.id > after)
      .map((c) => c.body);
    return { eventType: '', payload: null, delivery: {}, summary: '', url: '', replies };
  };

  const token = randomBytes(24).toString('base64url');
  const control = await listen(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { message: 'bad sandbox token' });
    const name = new URL(req.url ?? '/', 'http://sandbox').pathname.slice(1);
    const action = actions[name];
    if (!action || req.method !== 'POST') return send(res, 404, { message: `no sandbox action ${name}` });
    try {
      const change = await action((await readJson(req)) ?? {});
      o.logger.info({ sandbox: true, action: name, delivery: change.delivery.status }, `sandbox: ${change.summary}`);
      send(res, 200, change);
    } catch (error) {
      const status = error instanceof ControlError ? error.status : 500;
      send(res, status, { message: (error as Error).message });
    }
  });

  const env: Record<string, string> = {
    PACKFLOW_SANDBOX: 'true',
    GITHUB_APP_ID: String(github.app.appId),
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    GITHUB_API_URL: github.url,
    GITHUB_INSTANCE_URL: github.url,
    COPR_URL: copr.url,
    COPR_LOGIN: copr.login,
    COPR_TOKEN: copr.token,
    COPR_OWNER: 'sandbox',
    TESTING_FARM_URL: tf.url,
    TESTING_FARM_API_KEY: tf.apiKey,
  };
  return {
    env,
    endpoints: { github: github.url, copr: copr.url, testingFarm: tf.url },
    async attach(a) {
      github.setWebhookTarget(`${a.schedulerUrl}/webhooks/github`, a.webhookSecret);
      copr.setMessageTarget(`${a.schedulerUrl}/webhooks/messages`, a.messagesToken);
      await writeSandboxHandle(o.stateDir, { pid: process.pid, control: control.url, token, web: a.webUrl });
    },
    async stop() {
      await removeSandboxHandle(o.stateDir);
      await new Promise<void>((resolve) => control.server.close(() => resolve()));
      control.server.closeAllConnections();
      await Promise.all([github.close(), copr.close(), tf.close()]);
    },
  };
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}` };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ControlError(400, 'the request body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

const optionalString = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
