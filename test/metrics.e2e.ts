// `GET /metrics` moves with the work (issue 17: there were no metrics anywhere). A pull
// request goes through the scheduler, the upstream worker and the fake Copr, and the
// scheduler's /metrics (the process's one registry: the stack runs in one process, as
// `pnpm start` does) is scraped before and after: webhooks by source and outcome, request
// latency by route, the pipeline started and finished with its result, the Copr activity
// called, messages handled, a message dead-lettered, the outbox and the consumer drained.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createLogger } from '@packflow/core';
import { waitFor } from '@packflow/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/metered';
const SHA = 'feed'.padEnd(40, '0');
const CHROOT = 'fedora-41-x86_64';
const logger = createLogger({ name: 'metrics-e2e', level: 'silent' });

let stack: UpstreamStack;
beforeAll(async () => {
  stack = await startUpstreamStack(logger);
  stack.github.setFile(
    REPO,
    SHA,
    '.packit.yaml',
    `specfile_path: metered.spec\njobs:\n  - job: copr_build\n    trigger: pull_request\n    targets: [${CHROOT}]\n`,
  );
  stack.github.setPullRequestFiles(REPO, 3, [{ filename: 'src/metered.c' }]);
}, 120_000);
afterAll(() => stack?.close());

/** Every sample of the scheduler's /metrics: `name{labels}` -> value. */
async function scrape(): Promise<Map<string, number>> {
  const res = await fetch(`${stack.scheduler.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** How much `sample` grew between two scrapes (a sample not there yet counts as 0). */
const grew = (before: Map<string, number>, after: Map<string, number>, sample: string) =>
  (after.get(sample) ?? 0) - (before.get(sample) ?? 0);

describe('/metrics', () => {
  it('counts a pull request from webhook to finished pipeline, and a dead letter', async () => {
    const before = await scrape();
    const { github, copr } = stack;
    await github.emitPullRequest(REPO, { number: 3, headSha: SHA });
    const build = await stack.coprBuild();
    await copr.startBuild(build.id, 'srpm-builds');
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) > 0, {
      what: 'the chroot build to be submitted',
    });
    await copr.startBuild(build.id, CHROOT);
    await copr.finishBuild(build.id, CHROOT, 'failed');
    await waitFor(
      async () =>
        (await stack.db.pool().query(`select 1 from shared.pipelines where status = 'failure'`)).rows.length > 0,
      { what: 'the pipeline to fail' },
    );
    // A message no handler can read: dead-lettered by the worker's transport.
    const nc = await connect({ servers: stack.nats.url });
    await jetstream(nc).publish('upstream.pull_request.opened', JSON.stringify({ not: 'an event' }));
    await nc.drain();
    await stack.settled();

    const after = await scrape();
    const delta = (sample: string) => grew(before, after, sample);
    expect(delta('packflow_webhooks_received_total{forge="github",outcome="accepted"}')).toBe(1);
    expect(delta('packflow_webhooks_received_total{forge="messages",outcome="accepted"}')).toBeGreaterThanOrEqual(3);
    expect(
      delta(
        'packflow_http_request_duration_seconds_count{service="scheduler",method="POST",route="/webhooks/github",status="202"}',
      ),
    ).toBe(1);
    expect(delta('packflow_pipelines_started_total{trigger="pull_request"}')).toBe(1);
    expect(delta('packflow_pipelines_finished_total{result="failure"}')).toBe(1);
    expect(delta('packflow_activity_calls_total{job="copr_build",call="submit"}')).toBeGreaterThanOrEqual(1);
    expect(delta('packflow_activity_calls_total{job="report",call="report"}')).toBeGreaterThanOrEqual(1);
    expect(delta('packflow_messages_handled_total{consumer="upstream-worker",outcome="acked"}')).toBeGreaterThanOrEqual(
      4,
    );
    expect(delta('packflow_messages_dead_lettered_total{consumer="upstream-worker"}')).toBe(1);
    // Scraped from the outbox and the consumer: nothing waits once settled.
    expect(after.get('packflow_outbox_backlog')).toBe(0);
    expect(after.get('packflow_outbox_oldest_age_seconds')).toBe(0);
    expect(after.get('packflow_jetstream_consumer_pending{stream="PACKFLOW_EVENTS",consumer="upstream-worker"}')).toBe(
      0,
    );
    expect(after.has('packflow_process_resident_memory_bytes')).toBe(true);
  });
});
