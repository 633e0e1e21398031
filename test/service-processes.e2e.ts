// The upstream stack with its services as processes (`services: 'processes'`, what the e2e
// benchmark runs): the scheduler and the upstream worker each run their own main.ts, and
// a pull request still goes through to Copr and its checks, with the fakes in this process.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@packflow/core';
import { waitFor } from '@packflow/testing';
import { buildAndTestConfig, startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/widget';
const SHA = 'feed'.padEnd(40, '1');
const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64'];
const run = randomUUID().slice(0, 8);
const stream = { JETSTREAM_STREAM: `PACKFLOW_EVENTS_E2E_${run}` };

let stack: UpstreamStack;
beforeAll(async () => {
  stack = await startUpstreamStack(
    createLogger({ name: 'e2e', level: 'silent' }),
    { ...stream, WORKER_DURABLE: `upstream-worker-e2e-${run}` },
    { services: 'processes', schedulerEnv: stream },
  );
}, 240_000);
afterAll(() => stack?.close());

describe('the stack with its services as processes', () => {
  it('takes a pull request to Copr and its checks to GitHub, then settles', async () => {
    expect(stack.processes.map((p) => p.name)).toEqual(['scheduler', 'upstream-worker']);
    expect(stack.processes.every((p) => p.pid !== process.pid)).toBe(true);
    const { github, copr } = stack;
    github.setFile(REPO, SHA, '.packit.yaml', buildAndTestConfig(CHROOTS));
    github.setPullRequestFiles(REPO, 3, [{ filename: 'widget.spec' }]);

    expect((await github.emitPullRequest(REPO, { number: 3, headSha: SHA })).status).toBe(202);
    const build = await waitFor(() => [...copr.builds.values()][0], { what: 'the Copr build' });
    expect(build).toBeDefined();
    // One check run for the SRPM, one per chroot for the builds and for the tests, all queued.
    await waitFor(() => github.checkRuns.filter((c) => c.headSha === SHA).length === 1 + 2 * CHROOTS.length, {
      what: 'the check runs',
    });
    await stack.settled();
  });
});
