// The whole upstream stack for end-to-end tests and benchmarks: a database of its own, a
// nats-server of its own, the scheduler and the upstream worker as separate apps (in this
// process, or each its own `main.ts` in a process of its own as deployed), and fake
// GitHub, GitLab, Copr and Testing Farm reached through the real clients.
import { generateKeyPairSync } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import { startScheduler } from '@packflow/scheduler';
import { startUpstreamWorker } from '@packflow/upstream-worker';
import {
  createTestDatabase,
  FakeCopr,
  FakeTestingFarm,
  spawnServiceMain,
  startNatsServer,
  waitFor,
  type FakeCoprBuild,
  type TestDatabase,
  type TestNatsServer,
} from '@packflow/testing';
import { FakeGithub, FakeGitlab } from '@packflow/forges/testing';

export interface UpstreamStack {
  db: TestDatabase;
  nats: TestNatsServer;
  github: FakeGithub;
  /** With `deployments: 'two-apps'`: the second GitHub App's view of github.com (app 43, installation 7). */
  github2?: FakeGithub;
  gitlab: FakeGitlab;
  copr: FakeCopr;
  tf: FakeTestingFarm;
  scheduler: RunningService;
  /** The (first) upstream worker. */
  worker: RunningService;
  /** Every upstream worker deployment started. */
  workers: RunningService[];
  /** With `services: 'processes'`: the service processes (scheduler first), for their CPU time. */
  processes: { name: string; pid: number }[];
  /** The deployment's GitHub App identity (env), for another service of the stack (the web). */
  githubIdentity: Record<string, string>;
  /**
   * Waits until every event the scheduler accepted is published and every worker
   * deployment has acknowledged every message: nothing more will happen by itself.
   */
  settled(): Promise<void>;
  /**
   * The fake Copr's build (the first, or the one `pick` chooses) once packflow has
   * recorded its id. A real SRPM build takes minutes, so Copr's messages about it come
   * after packflow stored the id its submission got; the fake can finish a build the
   * instant it exists, and a message about a build id packflow has not stored is ignored
   * (until the poll, 15 minutes on). Tests move a build on only after this.
   */
  coprBuild(
    pick?: (builds: FakeCoprBuild[]) => FakeCoprBuild | undefined,
    options?: { timeoutMs?: number },
  ): Promise<FakeCoprBuild>;
  /** How many chroot builds of Copr build `buildId` packflow has recorded (they are submitted once its SRPM succeeded). */
  recordedChrootBuilds(buildId: number): Promise<number>;
  /** Whether packflow has recorded the Testing Farm request `requestId` (the answer to its submission). */
  recordedTestRequest(requestId: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * `one` (default): one upstream deployment with both identities. `per-forge`: two, as
   * the chart deploys them: `upstream-github` with only the GitHub App and
   * `upstream-gitlab` with only the GitLab token, each with its own durable consumer, so
   * each receives every upstream event and must leave the other's alone. `two-apps`: two
   * GitHub Apps on github.com, each its own deployment (`upstream-app-42`, `upstream-app-43`)
   * and its own fake API (what that App sees: its installations, its check runs); the
   * webhooks of each name its own installation. `two-gitlab-tokens`: two GitLab identities
   * (tokens of two bots, SECOND_GITLAB_TOKEN the second's) on one GitLab, each its own
   * deployment (`upstream-gitlab-a`, `upstream-gitlab-b`); the one whose token the project
   * lets in acts.
   */
  deployments?: 'one' | 'per-forge' | 'two-apps' | 'two-gitlab-tokens';
  /**
   * The fake GitHub serves the web pages too (people sign in on it), so projects are on
   * its own URL (GITHUB_INSTANCE_URL) instead of https://github.com.
   */
  githubWebAtFake?: boolean;
  /**
   * More of the scheduler's environment (its fedora-messaging consumer's broker and queue;
   * JETSTREAM_STREAM, which the workers then need too, and `settled()` looks at).
   */
  schedulerEnv?: Record<string, string>;
  /**
   * The installations of the (one) GitHub App, as the fake GitHub answers them; default:
   * installation 1 serving every repository. Real webhooks name the installation they came
   * from, and a deployment acts only on its own App's installations.
   */
  githubInstallations?: { id: number; account: string; repositories: '*' | string[] }[];
  /**
   * `in-process` (default): the scheduler and the workers are apps in this process, logging
   * through the given logger. `processes`: each runs its service's own `main.ts` in a
   * process of its own, as deployed (LOG_LEVEL info: its started line carries its URL),
   * while the fakes stay here. The e2e benchmark's burst needs this: everything on one JS
   * thread spends ~20 ms CPU per pipeline, which capped it near 50 pipelines/s on 2 cores.
   */
  services?: 'in-process' | 'processes';
  /** With `services: 'processes'`: arguments for node in each service process (such as `--cpu-prof`). */
  nodeArgs?: string[];
}

const SECRET = 'stack-webhook-secret';
/** The bearer token of the scheduler's message bridge (for fakes that send bus messages). */
export const MESSAGES_TOKEN = 'stack-messages-token';
const GITLAB_WEBHOOK_TOKEN = 'stack-gitlab-webhook-token';
const GITLAB_API_TOKEN = 'glpat-stack-api-token';
/** With `deployments: 'two-gitlab-tokens'`: the second deployment's token, of the bot `second-bot`. */
export const SECOND_GITLAB_TOKEN = 'glpat-stack-second-token';

export async function startUpstreamStack(
  logger: Logger,
  workerEnv: Record<string, string> = {},
  options: StackOptions = {},
): Promise<UpstreamStack> {
  const db = await createTestDatabase();
  const nats = await startNatsServer();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const processes: { name: string; pid: number }[] = [];
  const start = async (name: 'scheduler' | 'upstream-worker', env: Record<string, string>): Promise<RunningService> => {
    if (options.services !== 'processes')
      return name === 'scheduler' ? startScheduler({ env, logger }) : startUpstreamWorker({ env, logger });
    const child = spawnServiceMain(
      `services/${name}/src/main.ts`,
      { ...env, LOG_LEVEL: 'info' },
      { nodeArgs: options.nodeArgs },
    );
    // Started processes on a busy machine may take a while; the wait ends as soon as it is up.
    const url = await child.waitForOutput(
      (out) => new RegExp(`"url":"(http://[^"]+)","msg":"${name} started"`).exec(out)?.[1],
      `${name} started`,
      120_000,
    );
    processes.push({ name, pid: child.pid });
    return {
      name,
      url,
      async close() {
        const exit = await child.terminate();
        if (exit.code !== 0) throw new Error(`${name} exited with ${JSON.stringify(exit)}: ${child.errorOutput()}`);
      },
    };
  };
  const scheduler = await start('scheduler', {
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    SCHEDULER_PORT: '0',
    GITHUB_WEBHOOK_SECRET: SECRET,
    GITLAB_WEBHOOK_TOKEN,
    MESSAGES_TOKEN,
    ...options.schedulerEnv,
  });
  const [github, gitlab, copr, tf] = await Promise.all([
    FakeGithub.start({
      appId: 42,
      appKey: privateKey,
      webhook: { url: `${scheduler.url}/webhooks/github`, secret: SECRET },
      installations: options.githubInstallations,
    }),
    FakeGitlab.start({
      token: GITLAB_API_TOKEN,
      webhook: { url: `${scheduler.url}/webhooks/gitlab`, token: GITLAB_WEBHOOK_TOKEN },
    }),
    FakeCopr.start({ messages: { url: `${scheduler.url}/webhooks/messages`, token: MESSAGES_TOKEN } }),
    FakeTestingFarm.start(),
  ]);
  const common = {
    DATABASE_URL: db.url,
    NATS_URL: nats.url,
    COPR_URL: copr.url,
    COPR_LOGIN: copr.login,
    COPR_TOKEN: copr.token,
    TESTING_FARM_URL: tf.url,
    TESTING_FARM_API_KEY: tf.apiKey,
    PACKFLOW_PUBLIC_URL: scheduler.url!,
    RECONCILE_INTERVAL_MS: '3600000',
  };
  if (options.githubWebAtFake) github.useOwnWebUrl();
  const githubIdentity: Record<string, string> = {
    GITHUB_APP_ID: '42',
    GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    GITHUB_API_URL: github.url,
    ...(options.githubWebAtFake ? { GITHUB_INSTANCE_URL: github.url } : {}),
  };
  // The fake answers for gitlab.com: the projects in the hooks are on https://gitlab.com.
  const gitlabIdentity = {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: gitlab.token,
    GITLAB_INSTANCE_URL: 'https://gitlab.com',
  };
  const { privateKey: secondKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const github2 =
    options.deployments === 'two-apps'
      ? await FakeGithub.start({
          appId: 43,
          appKey: secondKey,
          installations: [{ id: 7, account: 'acme', repositories: '*' }],
          webhook: { url: `${scheduler.url}/webhooks/github`, secret: SECRET },
        })
      : undefined;
  if (options.deployments === 'two-gitlab-tokens') gitlab.addToken(SECOND_GITLAB_TOKEN, 'second-bot');
  const deployments: Record<string, string>[] =
    options.deployments === 'two-gitlab-tokens'
      ? [
          { WORKER_DURABLE: 'upstream-gitlab-a', ...gitlabIdentity },
          { WORKER_DURABLE: 'upstream-gitlab-b', ...gitlabIdentity, GITLAB_TOKEN: SECOND_GITLAB_TOKEN },
        ]
      : options.deployments === 'two-apps'
        ? [
            { WORKER_DURABLE: 'upstream-app-42', ...githubIdentity },
            {
              WORKER_DURABLE: 'upstream-app-43',
              GITHUB_APP_ID: '43',
              GITHUB_APP_PRIVATE_KEY: secondKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
              GITHUB_API_URL: github2!.url,
            },
          ]
        : options.deployments === 'per-forge'
          ? [
              { WORKER_DURABLE: 'upstream-github', ...githubIdentity },
              { WORKER_DURABLE: 'upstream-gitlab', ...gitlabIdentity },
            ]
          : [{ ...githubIdentity, ...gitlabIdentity }];
  const workers: RunningService[] = [];
  for (const identity of deployments)
    workers.push(await start('upstream-worker', { ...common, ...identity, ...workerEnv }));
  const worker = workers[0];
  const durables = deployments.map((d) => workerEnv.WORKER_DURABLE ?? d.WORKER_DURABLE ?? 'upstream-worker');
  const stream = options.schedulerEnv?.JETSTREAM_STREAM ?? 'PACKFLOW_EVENTS';
  const settled = async () => {
    await waitFor(async () => (await db.pool().query(`select 1 from shared.outbox limit 1`)).rows.length === 0, {
      what: 'the outbox to be published',
    });
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const { state } = await jsm.streams.info(stream);
      for (const durable of durables) {
        await waitFor(
          async () => {
            const info = await jsm.consumers.info(stream, durable);
            return info.ack_floor.stream_seq >= state.last_seq && info.num_ack_pending === 0 && info.num_pending === 0;
          },
          { what: `${durable} to acknowledge every message` },
        );
      }
    } finally {
      await nc.drain();
    }
  };
  const coprBuild: UpstreamStack['coprBuild'] = async (pick = (builds) => builds[0], { timeoutMs } = {}) => {
    const build = await waitFor(() => pick([...copr.builds.values()]), { what: 'the Copr build', timeoutMs });
    await waitFor(
      async () =>
        (await db.pool().query(`select 1 from upstream.srpm_builds where external_id = $1`, [String(build.id)])).rows
          .length > 0,
      { what: `packflow to record Copr build ${build.id}`, timeoutMs },
    );
    return build;
  };
  const recordedChrootBuilds = async (buildId: number) =>
    (
      await db
        .pool()
        .query<{ n: number }>(`select count(*)::int as n from upstream.copr_build_targets where external_id = $1`, [
          String(buildId),
        ])
    ).rows[0].n;
  const recordedTestRequest = async (requestId: string) =>
    (await db.pool().query(`select 1 from upstream.test_run_targets where external_id = $1`, [requestId])).rows.length >
    0;
  return {
    settled,
    coprBuild,
    recordedChrootBuilds,
    recordedTestRequest,
    db,
    nats,
    github,
    github2,
    gitlab,
    copr,
    tf,
    scheduler,
    worker,
    workers,
    processes,
    githubIdentity,
    async close() {
      for (const w of workers) await w.close();
      await scheduler.close();
      await Promise.all([github.close(), github2?.close(), gitlab.close(), copr.close(), tf.close()]);
      await nats.dispose();
      await db.drop();
    },
  };
}

/** A `.packit.yaml` that builds `chroots` in Copr on pull requests and tests each; `extra` goes at the top. */
export function buildAndTestConfig(chroots: string[], extra = ''): string {
  return `specfile_path: widget.spec
downstream_package_name: widget
${extra}
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${chroots.join(', ')}]
  - job: tests
    trigger: pull_request
    targets: [${chroots.join(', ')}]
`;
}
