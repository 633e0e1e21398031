// The stack the fault-injection suite breaks: its own PostgreSQL cluster (initdb into a
// temporary folder) and its own nats-server, the scheduler and the upstream worker as
// separate processes (their own mains, as deployed), and fake GitHub, Copr and Testing
// Farm reached through the real clients. The servers other people use are never touched.
import { generateKeyPairSync } from 'node:crypto';
import { Database, createLogger } from '@packflow/core';
import { FakeGithub } from '@packflow/forges/testing';
import {
  FakeCopr,
  FakeTestingFarm,
  freePort,
  spawnServiceMain,
  startNatsServer,
  startPostgres,
  waitFor,
  type Delivery,
  type ServiceProcess,
  type TestNatsServer,
  type TestPostgres,
} from '@packflow/testing';

export const REPO = 'acme/widget';
export const CHROOT = 'fedora-41-x86_64';
export const CONFIG = `specfile_path: widget.spec
downstream_package_name: widget
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${CHROOT}]
  - job: tests
    trigger: pull_request
    targets: [${CHROOT}]
`;
const SECRET = 'faults-webhook-secret';
const MESSAGES_TOKEN = 'faults-messages-token';
/** Started processes on a busy machine may take a while; the wait ends as soon as they are up. */
const STARTING_MS = 180_000;

export class FaultStack {
  scheduler!: ServiceProcess;
  worker!: ServiceProcess;
  private schedulerEnv!: Record<string, string>;
  private workerEnv!: Record<string, string>;

  private constructor(
    readonly pg: TestPostgres,
    readonly nats: TestNatsServer,
    readonly db: Database,
    readonly github: FakeGithub,
    readonly copr: FakeCopr,
    readonly tf: FakeTestingFarm,
    readonly schedulerUrl: string,
  ) {}

  static async start(): Promise<FaultStack> {
    const [pg, nats, port] = await Promise.all([startPostgres({ migrated: true }), startNatsServer(), freePort()]);
    // A fixed port, so a restarted scheduler is found where the fakes and the worker send to.
    const schedulerUrl = `http://127.0.0.1:${port}`;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const [github, copr, tf] = await Promise.all([
      FakeGithub.start({
        appId: 42,
        appKey: privateKey,
        webhook: { url: `${schedulerUrl}/webhooks/github`, secret: SECRET },
      }),
      FakeCopr.start({ messages: { url: `${schedulerUrl}/webhooks/messages`, token: MESSAGES_TOKEN } }),
      FakeTestingFarm.start(),
    ]);
    const db = new Database({ url: pg.url, logger: createLogger({ name: 'faults', level: 'silent' }), name: 'faults' });
    const stack = new FaultStack(pg, nats, db, github, copr, tf, schedulerUrl);
    const common = { DATABASE_URL: pg.url, NATS_URL: nats.url };
    stack.schedulerEnv = {
      ...common,
      SCHEDULER_PORT: String(port),
      GITHUB_WEBHOOK_SECRET: SECRET,
      MESSAGES_TOKEN,
    };
    stack.workerEnv = {
      ...common,
      GITHUB_APP_ID: '42',
      GITHUB_APP_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      GITHUB_API_URL: github.url,
      COPR_URL: copr.url,
      COPR_LOGIN: copr.login,
      COPR_TOKEN: copr.token,
      TESTING_FARM_URL: tf.url,
      TESTING_FARM_API_KEY: tf.apiKey,
      PACKFLOW_PUBLIC_URL: schedulerUrl,
      // A crashed attempt is picked up within seconds, not the production minute (still longer than a slow call on a loaded machine, or its retry would run beside it).
      RECONCILE_INTERVAL_MS: '300',
      SUBMIT_LEASE_MS: '5000',
      REPORT_GRACE_MS: '5000',
    };
    await Promise.all([stack.startScheduler(), stack.startWorker()]);
    github.setPermission(REPO, 'maintainer', 'write');
    return stack;
  }

  async startScheduler(): Promise<void> {
    this.scheduler = spawnServiceMain('services/scheduler/src/main.ts', this.schedulerEnv);
    await this.scheduler.waitForOutput((out) => out.includes('scheduler started'), 'scheduler started', STARTING_MS);
  }

  async startWorker(): Promise<void> {
    this.worker = spawnServiceMain('services/upstream-worker/src/main.ts', this.workerEnv);
    await this.worker.waitForOutput((out) => out.includes('upstream-worker started'), 'worker started', STARTING_MS);
  }

  /** kill -9 of the upstream worker, then a new one (as Kubernetes restarts a pod). */
  async killWorker(whileDown: () => void | Promise<void> = () => {}): Promise<void> {
    await this.worker.kill();
    await whileDown();
    await this.startWorker();
  }

  async killScheduler(whileDown: () => void | Promise<void> = () => {}): Promise<void> {
    await this.scheduler.kill();
    await whileDown();
    await this.startScheduler();
  }

  /**
   * What the message bridge and Testing Farm do with a callback the scheduler did not
   * accept (down, or its database down): send it again, in order, until it is accepted.
   */
  async redeliverRefused(): Promise<void> {
    const refused = (d: Delivery) => d.url && !(d.status && d.status < 300);
    for (const d of [...this.copr.messagesSent, ...this.tf.notificationsSent].filter(refused)) {
      await waitFor(
        async () => {
          const response = await fetch(d.url!, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...(d.url!.endsWith('/messages') ? { authorization: `Bearer ${MESSAGES_TOKEN}` } : {}),
            },
            body: JSON.stringify(d.payload),
          }).catch(() => undefined);
          if (response) {
            d.status = response.status;
            d.responseText = await response.text();
          }
          return response?.ok;
        },
        { what: `the scheduler to accept ${d.url}`, timeoutMs: 60_000, intervalMs: 100 },
      );
    }
  }

  /** Sends a callback again as it was sent (a duplicate delivery). */
  async resend(d: Delivery): Promise<number> {
    const response = await fetch(d.url!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(d.url!.endsWith('/messages') ? { authorization: `Bearer ${MESSAGES_TOKEN}` } : {}),
      },
      body: JSON.stringify(d.payload),
    });
    await response.text();
    return response.status;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.scheduler?.terminate(), this.worker?.terminate()]);
    await this.db.close();
    await Promise.all([this.github.close(), this.copr.close(), this.tf.close()]);
    await this.nats.dispose();
    await this.pg.dispose();
  }
}
