// One event, one owner: two GitHub Apps on github.com, each its own upstream deployment
// with its own durable consumer, so each receives every upstream event. A webhook names
// the installation it was delivered for; only the deployment whose App that installation
// belongs to acts (one pipeline, one Copr build, check runs by that App), the other
// acknowledges and leaves it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGithub } from '@packflow/forges/testing';
import { waitFor } from '@packflow/testing';
import { buildAndTestConfig, startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/widget';
const logger = createLogger({ name: 'e2e', level: 'silent' });

let stack: UpstreamStack;
let app42: FakeGithub;
let app43: FakeGithub;

beforeAll(async () => {
  stack = await startUpstreamStack(logger, {}, { deployments: 'two-apps' });
  app42 = stack.github;
  app43 = stack.github2!;
});
afterAll(() => stack?.close());

async function pipelinesOn(sha: string): Promise<number> {
  const { rows } = await stack.db
    .pool()
    .query(
      `select count(*)::int as n from shared.pipelines p join shared.commits c on c.id = p.commit_id where c.sha = $1`,
      [sha],
    );
  return rows[0].n;
}

/** Opens pull request `number` through `app`'s webhook (its installation in the payload). */
async function openThrough(app: FakeGithub, number: number): Promise<string> {
  const sha = String(number).repeat(40).slice(0, 40);
  for (const a of [app42, app43]) {
    a.setFile(REPO, sha, '.packit.yaml', buildAndTestConfig(['fedora-41-x86_64']));
    a.setPullRequestFiles(REPO, number, [{ filename: 'src/widget.c' }]);
  }
  const sent = await app.emitPullRequest(REPO, { number, headSha: sha, sender: 'maintainer' });
  expect(sent.status).toBe(202);
  await waitFor(() => app.checkRunsFor(REPO, sha).length >= 3, {
    what: 'the check runs of the owner',
    timeoutMs: 30_000,
  });
  await stack.settled();
  return sha;
}

describe('two GitHub Apps on one instance', () => {
  it('only the deployment of the installation a webhook names acts on it; the other acknowledges and skips', async () => {
    const sha = await openThrough(app42, 11);
    expect(await pipelinesOn(sha)).toBe(1);
    expect(stack.copr.builds.size).toBe(1);
    expect(app43.checkRunsFor(REPO, sha)).toEqual([]);
    // The other App never reached for the repository's files or a token of its own.
    expect(app43.tokensIssued).toEqual([]);
  });

  it("the second App's webhook is the second deployment's, and only its", async () => {
    const before = stack.copr.builds.size;
    const sha = await openThrough(app43, 12);
    expect(await pipelinesOn(sha)).toBe(1);
    expect(stack.copr.builds.size).toBe(before + 1);
    expect(app42.checkRunsFor(REPO, sha)).toEqual([]);
  });
});
