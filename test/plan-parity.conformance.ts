// `packflow plan` and the upstream worker plan the same: each real GitHub webhook below
// (../shared/fixtures) is sent, signed, through the scheduler to the worker, which plans
// it with the config the fake GitHub serves; `packflow plan` reads the same file and the
// same config. The steps and edges of the pipeline the worker started are the plan the
// CLI prints. Both parse with the GitHub driver and map with the one planEventOf.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runCli } from '@packflow/cli/testing';
import { createLogger } from '@packflow/core';
import { sharedFixturesDir } from '@packflow/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const fixtures = sharedFixturesDir()!;
const logger = createLogger({ name: 'parity', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

// Pull request builds and tests; commit builds on `build-branch` and (no `branch`) on the default branch.
const CONFIG = `specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-44-x86_64, fedora-45-x86_64]
  - job: tests
    trigger: pull_request
    targets: [fedora-44-x86_64]
  - job: copr_build
    trigger: commit
    branch: build-branch
    targets: [fedora-rawhide-x86_64]
  - job: copr_build
    trigger: commit
    identifier: default-branch
    targets: [fedora-45-x86_64]
`;

/** Real webhooks: the file, its X-GitHub-Event, and the commit it plans for. */
const CASES = [
  { file: 'webhooks/github/pr.json', event: 'pull_request' },
  { file: 'webhooks/github/pr_synchronize.json', event: 'pull_request' },
  { file: 'webhooks/github/push_branch.json', event: 'push' },
];

interface Payload {
  repository: { full_name: string };
  installation?: { id: number };
  pull_request?: { number: number; head: { sha: string } };
  after?: string;
}

interface PlanShape {
  steps: { id: string; job: string; package: string | null; identifier: string | null }[];
  edges: { from: string; to: string; target: string | null }[];
}

let stack: UpstreamStack;
const dir = mkdtempSync(join(tmpdir(), 'packflow-parity-'));
const configFile = join(dir, '.packit.yaml');

beforeAll(async () => {
  writeFileSync(configFile, CONFIG);
  // The fixtures came from Packit's App: its installation on packit-service is this App's here.
  const installations = CASES.map((c) => {
    const payload = JSON.parse(readFileSync(join(fixtures, c.file), 'utf8')) as Payload;
    return payload.installation?.id;
  }).filter((id): id is number => id !== undefined);
  stack = await startUpstreamStack(
    logger,
    {},
    {
      githubInstallations: [...new Set(installations)].map((id) => ({
        id,
        account: 'packit-service',
        repositories: '*',
      })),
    },
  );
  for (const c of CASES) {
    const payload = JSON.parse(readFileSync(join(fixtures, c.file), 'utf8')) as Payload;
    const repo = payload.repository.full_name;
    const sha = payload.pull_request?.head.sha ?? payload.after!;
    stack.github.setFile(repo, sha, '.packit.yaml', CONFIG);
    if (payload.pull_request)
      stack.github.setPullRequestFiles(repo, payload.pull_request.number, [{ filename: 'hello.spec' }]);
  }
});

afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The steps and edges of the pipeline the worker started for an event, as `packflow plan --json` prints them. */
async function workerPlan(eventId: string): Promise<PlanShape> {
  const pool = stack.db.pool();
  const steps = await pool.query<PlanShape['steps'][number]>(
    `select s.key as id, s.job, s.package, s.identifier
       from shared.pipeline_steps s join shared.pipelines p on p.id = s.pipeline_id
      where p.event_id = $1 order by s.key`,
    [eventId],
  );
  const edges = await pool.query<PlanShape['edges'][number]>(
    `select f.key as "from", t.key as "to", e.target
       from shared.pipeline_step_edges e
       join shared.pipeline_steps f on f.id = e.from_step_id
       join shared.pipeline_steps t on t.id = e.to_step_id
       join shared.pipelines p on p.id = f.pipeline_id
      where p.event_id = $1`,
    [eventId],
  );
  return { steps: steps.rows, edges: edges.rows };
}

const byKey = <T>(items: T[]) => [...items].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('packflow plan and the worker plan the same', () => {
  it.each(CASES)('$file', async ({ file, event }) => {
    const path = join(fixtures, file);
    const sent = await stack.github.emitWebhook(event, JSON.parse(readFileSync(path, 'utf8')));
    expect(sent.status).toBe(202);
    const eventId = (JSON.parse(sent.responseText!) as { event_id: string }).event_id;

    const cli = await runCli(['plan', '--config', configFile, '--event', path, '--event-type', event, '--json']);
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as PlanShape;
    expect(printed.steps.length).toBeGreaterThan(0);

    await stack.settled();
    expect((await stack.db.pool().query('select subject, error from shared.dead_letters')).rows).toEqual([]);
    const worker = await workerPlan(eventId);
    expect(byKey(worker.steps)).toEqual(
      byKey(printed.steps.map(({ id, job, package: pkg, identifier }) => ({ id, job, package: pkg, identifier }))),
    );
    expect(byKey(worker.edges)).toEqual(byKey(printed.edges));
  });
});
