// What planning needs reaches the worker end to end (scheduler -> JetStream -> upstream
// worker -> fake Copr): a push to the default branch runs `trigger: commit` jobs that set
// no `branch` (as Packit does), and `require.label` decides whether a pull request builds.
// Regression tests for the worker's mapping dropping the default branch and the labels.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGithub } from '@packflow/forges/testing';
import { waitFor, type FakeCopr, type TestDatabase } from '@packflow/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/planned';
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

// Commit builds run on the default branch (no `branch:`); pull request builds need the `ci` label.
const CONFIG = `specfile_path: planned.spec
downstream_package_name: planned
jobs:
  - job: copr_build
    trigger: commit
    targets: [fedora-rawhide-x86_64]
  - job: copr_build
    trigger: pull_request
    require:
      label:
        present: [ci]
    targets: [fedora-41-x86_64]
`;

let stack: UpstreamStack;
let db: TestDatabase;
let github: FakeGithub;
let copr: FakeCopr;

const sha = (n: number) => `${n}`.padStart(2, '0').padEnd(40, 'a');

beforeAll(async () => {
  stack = await startUpstreamStack(logger);
  ({ db, github, copr } = stack);
  for (let n = 1; n <= 4; n++) github.setFile(REPO, sha(n), '.packit.yaml', CONFIG);
  for (const pr of [3, 4]) github.setPullRequestFiles(REPO, pr, [{ filename: 'planned.spec' }]);
});

/** Waits until nothing more happens by itself, and checks every message was handled (none dead-lettered). */
async function settled(): Promise<void> {
  await stack.settled();
  expect((await db.pool().query('select subject, error from shared.dead_letters')).rows).toEqual([]);
}

afterAll(() => stack?.close());

/** The pipelines packflow started for a commit: their trigger and the jobs of their steps. */
async function pipelinesOf(commitSha: string): Promise<{ trigger: string; jobs: string[] }[]> {
  const { rows } = await db.pool().query<{ trigger: string; jobs: string[] }>(
    `select p.trigger, array_agg(s.job order by s.job) as jobs
       from shared.pipelines p join shared.commits c on c.id = p.commit_id
       join shared.pipeline_steps s on s.pipeline_id = p.id
      where c.sha = $1 group by p.id, p.trigger`,
    [commitSha],
  );
  return rows;
}

const coprBuilds = () => [...copr.builds.values()];

describe('planning end to end', () => {
  it('builds a push to the default branch with the commit job that sets no branch', async () => {
    expect((await github.emitPush(REPO, { branch: 'main', headSha: sha(1), files: ['planned.spec'] })).status).toBe(
      202,
    );
    const build = await waitFor(() => coprBuilds()[0], { what: 'the Copr build of the push to main' });
    await settled();
    expect(coprBuilds()).toHaveLength(1);
    expect(build.project).toContain('planned');
    expect(await pipelinesOf(sha(1))).toEqual([{ trigger: 'commit', jobs: ['copr_build', 'srpm_build'] }]);
  });

  it('does not build a push to another branch', async () => {
    const before = coprBuilds().length;
    expect((await github.emitPush(REPO, { branch: 'feature', headSha: sha(2) })).status).toBe(202);
    await settled();
    expect(coprBuilds()).toHaveLength(before);
    expect(await pipelinesOf(sha(2))).toEqual([]);
  });

  it('does not build a pull request without the required label', async () => {
    const before = coprBuilds().length;
    const sent = await github.emitPullRequest(REPO, { number: 3, headSha: sha(3), labels: ['docs'] });
    expect(sent.status).toBe(202);
    await settled();
    expect(coprBuilds()).toHaveLength(before);
    expect(await pipelinesOf(sha(3))).toEqual([]);
  });

  it('builds a pull request with the required label', async () => {
    const before = coprBuilds().length;
    const sent = await github.emitPullRequest(REPO, { number: 4, headSha: sha(4), labels: ['docs', 'ci'] });
    expect(sent.status).toBe(202);
    await waitFor(() => coprBuilds().length > before, { what: 'the Copr build of the labelled pull request' });
    expect(await pipelinesOf(sha(4))).toEqual([{ trigger: 'pull_request', jobs: ['copr_build', 'srpm_build'] }]);
  });
});
