// bench/e2e: PR-opened webhooks through the scheduler and the upstream worker with the
// fakes. Latency: the time from the webhook being accepted (the event's received_at) to
// the first Copr submission (the SRPM build's Copr id recorded), one pull request at a
// time; throughput: pipelines started per second under a burst (whose latencies, also
// printed, include the queueing a burst causes).
// The scheduler and the upstream worker each run in a process of their own, as deployed
// (logging at their default level, info); the fakes and this load share this process.
// With all of them on one JS thread (before issue 16) the ~20 ms of CPU each pipeline
// costs capped the burst near 50 pipelines/s however many cores were free.
// BENCH_CPU_PROF=<dir>: CPU profiles of the service processes, written there on exit.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@packflow/core';
import { buildAndTestConfig, startUpstreamStack } from '@packflow/e2e';
import { PACKFLOW_EVENTS_STREAM } from '@packflow/messaging';
import { waitFor } from '@packflow/testing';
import { isQuick, ownCpuMs, percentile, processCpuMs, report, round } from './lib/bench.util.js';

const quick = isQuick();
const PULL_REQUESTS = quick ? 30 : 400;
const LATENCY_RUNS = quick ? 20 : 200;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const REPO = 'acme/widget';
const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];

/** The run's own stream and consumer (on a nats-server of its own, too). */
const run = randomUUID().slice(0, 8);
const stream = { JETSTREAM_STREAM: `${PACKFLOW_EVENTS_STREAM}_BENCH_${run}` };
const stack = await startUpstreamStack(
  createLogger({ name: 'bench', level: 'error' }),
  { ...stream, WORKER_DURABLE: `upstream-worker-bench-${run}` },
  {
    services: 'processes',
    schedulerEnv: stream,
    nodeArgs: process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [],
  },
);
/** CPU time (ms) so far of this process (load and fakes) and of each service process. */
const cpuMs = () => {
  return [
    { name: 'load and fakes', ms: ownCpuMs() },
    ...stack.processes.map((p) => ({ name: p.name, ms: processCpuMs(p.pid) })),
  ];
};
try {
  const { github, db } = stack;
  const total = LATENCY_RUNS + PULL_REQUESTS;
  const shas = Array.from({ length: total }, (_, i) => i.toString(16).padStart(8, '0').padEnd(40, 'a'));
  for (const sha of shas) github.setFile(REPO, sha, '.packit.yaml', buildAndTestConfig(CHROOTS));
  for (let i = 0; i < total; i++) github.setPullRequestFiles(REPO, 1000 + i, [{ filename: 'widget.spec' }]);
  const submitted = async () =>
    Number(
      (await db.pool().query(`select count(*)::int as n from upstream.srpm_builds where external_id is not null`))
        .rows[0].n,
    );
  /** Accepted -> SRPM build submitted to Copr, per pipeline, from database timestamps. */
  const latenciesOf = async (fromPr: number, toPr: number) => {
    const { rows } = await db.pool().query<{ ms: number }>(
      `select extract(epoch from (s.updated_at - e.received_at)) * 1000 as ms
         from shared.events e
         join shared.project_refs r on r.id = e.ref_id and r.kind = 'pull_request'
         join shared.pipelines p on p.event_id = e.id
         join shared.pipeline_steps st on st.pipeline_id = p.id and st.job = 'srpm_build'
         join upstream.pipeline_step_srpm_builds l on l.step_id = st.id
         join upstream.srpm_builds s on s.id = l.srpm_build_id
        where s.external_id is not null and r.name::int between $1 and $2`,
      [fromPr, toPr],
    );
    return rows.map((r) => Number(r.ms)).sort((a, b) => a - b);
  };

  // 1. Latency: one pull request at a time, each waited for until Copr has its SRPM build.
  for (let i = 0; i < LATENCY_RUNS; i++) {
    await github.emitPullRequest(REPO, { number: 1000 + i, headSha: shas[i] });
    await waitFor(async () => (await submitted()) > i, {
      what: `pull request ${1000 + i} to reach Copr`,
      intervalMs: 2,
    });
  }
  const latencies = await latenciesOf(1000, 1000 + LATENCY_RUNS - 1);

  // 2. Throughput: a burst, IN_FLIGHT webhooks at a time.
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const callsBefore = github.requests.length;
  let next = LATENCY_RUNS;
  let rejected = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let i = next++; i < total; i = next++) {
        const sent = await github.emitPullRequest(REPO, { number: 1000 + i, headSha: shas[i] });
        if (sent.status !== 202) rejected++;
      }
    }),
  );
  await waitFor(async () => (await submitted()) >= total - rejected, {
    what: 'every SRPM build to be submitted',
    timeoutMs: 600_000,
    intervalMs: 20,
  });
  const seconds = (performance.now() - t0) / 1000;
  const burst = await latenciesOf(1000 + LATENCY_RUNS, 1000 + total - 1);

  // The burst's whole cost: until every pipeline's checks are on GitHub (reports go out
  // after the submit), the process's CPU time and the GitHub API calls, per pipeline. CPU
  // time is what this machine's other load disturbs least.
  const checksPerPullRequest = 1 + 2 * CHROOTS.length;
  await waitFor(() => github.checkRuns.length >= checksPerPullRequest * (total - rejected), {
    what: 'every check run to be created',
    timeoutMs: 600_000,
    intervalMs: 20,
  });
  const cpu = cpuMs().map((p, i) => ({ name: p.name, ms: (p.ms - cpu0[i].ms) / burst.length }));
  const cpuMsPerPipeline = cpu.reduce((sum, p) => sum + p.ms, 0);
  const callsOf = (from: number) => {
    const counts = new Map<string, number>();
    for (const r of github.requests.slice(from)) {
      const route = `${r.method} ${r.path.replace(/[0-9a-f]{40}/, ':sha').replace(/\/\d+/g, '/:n')}`;
      counts.set(route, (counts.get(route) ?? 0) + 1);
    }
    return counts;
  };
  const calls = callsOf(callsBefore);
  const githubCalls = [...calls.values()].reduce((a, b) => a + b, 0) / burst.length;
  if (process.env.BENCH_CALLS)
    for (const [route, n] of [...calls].sort((a, b) => b[1] - a[1]))
      process.stdout.write(`${round(n / burst.length, 2)} ${route}\n`);
  const [p50, p99, b50, b99] = [
    percentile(latencies, 50),
    percentile(latencies, 99),
    percentile(burst, 50),
    percentile(burst, 99),
  ];
  report(
    'e2e',
    [
      `${CHROOTS.length} chroots per pull request; scheduler and upstream worker each a process of its own, fakes and this load in another, on this machine`,
      `webhook accepted -> first Copr submission, one at a time (${latencies.length} pull requests): p50 ${round(p50, 1)} ms, p99 ${round(p99, 1)} ms`,
      `burst of ${PULL_REQUESTS} pull requests, ${IN_FLIGHT} webhooks in flight (${rejected} not accepted): ` +
        `${round(burst.length / seconds, 1)} pipelines started/s; accepted -> Copr p50 ${round(b50, 1)} ms, p99 ${round(b99, 1)} ms (queueing included)`,
      `burst cost per pipeline, until its checks are on GitHub: ${round(cpuMsPerPipeline, 1)} ms CPU ` +
        `(${cpu.map((p) => `${p.name} ${round(p.ms, 1)}`).join(', ')}), ${round(githubCalls, 1)} GitHub API calls`,
    ],
    {
      latency_p50_ms: round(p50, 2),
      latency_p99_ms: round(p99, 2),
      burst_pull_requests: PULL_REQUESTS,
      pipelines_per_s: round(burst.length / seconds, 2),
      burst_p50_ms: round(b50, 2),
      burst_p99_ms: round(b99, 2),
      cpu_ms_per_pipeline: round(cpuMsPerPipeline, 2),
      ...Object.fromEntries(cpu.map((p) => [`cpu_ms_${p.name.replace(/\W+/g, '_')}`, round(p.ms, 2)])),
      github_calls_per_pipeline: round(githubCalls, 2),
    },
  );
} finally {
  await stack.close();
}
