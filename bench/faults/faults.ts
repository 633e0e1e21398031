// `pnpm faults [--quick]`: the fault-injection suite. Runs the real scheduler and upstream
// worker as processes against their own PostgreSQL and nats-server (faults.stack.ts), and
// breaks them in repeated trials: kill -9 of the worker before a submission, between the
// submission and its record, and while a result is handled; kill -9 of the scheduler in
// the middle of intake; NATS and PostgreSQL stopped and started; a result delivered twice
// and out of order. Each trial drives its pull requests to the end as Copr and Testing
// Farm would, waits until the system has settled (a condition, never a sleep), and counts:
//   lost:       an accepted webhook without its pipeline;
//   duplicated: a second Copr build or Testing Farm request for one attempt (the fakes,
//               like the real services, build twice when asked twice), or a second check
//               run of one name;
//   stuck:      a pipeline not finished, not fully reported, or a check run not in the
//               state of its target.
// One line per scenario, then one JSON line; the exit code is 1 when anything was lost,
// duplicated or stuck.
import { waitFor, type HeldCall } from '@packflow/testing';
import { CHROOT, CONFIG, FaultStack, REPO } from './faults.stack.js';

const quick = process.argv.includes('--quick');
const TRIALS = Number(process.env.FAULTS_TRIALS ?? (quick ? 2 : 20));
/** `FAULTS_ONLY=a,b`: only these scenarios (while working on one). */
const ONLY = process.env.FAULTS_ONLY?.split(',').filter(Boolean);
/** How long a trial may take to settle before what is left counts as stuck. */
const SETTLE_MS = 90_000;

interface Counts {
  trials: number;
  lost: number;
  duplicated: number;
  stuck: number;
  seconds: number[];
  notes: string[];
}

let stack: FaultStack;
let nextPr = 100;

const sha = (n: number) => String(n).padStart(40, 'a');
const coprProject = (n: number) => `acme-widget-${n}`;
const buildsOf = (n: number) => [...stack.copr.builds.values()].filter((b) => b.project === coprProject(n));
const requestsOf = (n: number) => [...stack.tf.testRequests.values()].filter((r) => r.fmf.ref === sha(n));

/** Resolves with `promise`, or fails naming `what` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const arrived = (held: HeldCall, what: string) => within(held.arrived, 60_000, what);

function preparePr(n: number): void {
  stack.github.setFile(REPO, sha(n), '.packit.yaml', CONFIG);
  stack.github.setPullRequestFiles(REPO, n, [{ filename: 'src/widget.c' }]);
}

/** Opens pull request `n`; true when the scheduler accepted the webhook. */
async function openPr(n: number): Promise<boolean> {
  preparePr(n);
  const sent = await stack.github.emitPullRequest(REPO, { number: n, headSha: sha(n), sender: 'maintainer' });
  return Boolean(sent.status && sent.status < 300);
}

const recorded = async (table: string, externalId: string, target?: string) =>
  (
    await stack.db.query(
      `select 1 from upstream.${table} where external_id = $1 ${target ? 'and target = $2' : ''}`,
      target ? [externalId, target] : [externalId],
    )
  ).rows.length > 0;

const waitLong = <T>(check: () => T | Promise<T>, what: string) =>
  waitFor(check, { what, timeoutMs: 60_000, intervalMs: 25 });

/** The SRPM build of `n`, once the worker has recorded it (Copr only builds what it was asked). */
async function srpmSubmitted(n: number) {
  const build = await waitLong(() => buildsOf(n)[0], `the SRPM build of #${n} in Copr`);
  await waitLong(() => recorded('srpm_builds', String(build.id)), `the SRPM build of #${n} recorded`);
  return build;
}

async function finishSrpm(n: number): Promise<void> {
  const build = await srpmSubmitted(n);
  if (build.source.state !== 'succeeded') await stack.copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
}

async function finishChroot(n: number): Promise<void> {
  const build = buildsOf(n)[0];
  await waitLong(
    () => recorded('copr_build_targets', String(build.id), CHROOT),
    `the ${CHROOT} build of #${n} recorded`,
  );
  if (build.chroots.get(CHROOT)!.state !== 'succeeded') await stack.copr.finishBuild(build.id, CHROOT, 'succeeded');
}

async function finishTests(n: number): Promise<void> {
  const request = await waitLong(() => requestsOf(n)[0], `the test request of #${n}`);
  await waitLong(() => recorded('test_run_targets', request.id), `the test request of #${n} recorded`);
  if (request.state === 'new') await stack.tf.finish(request.id, 'passed');
}

/** Plays Copr and Testing Farm to the end for `n`, resending what the scheduler refused. */
async function drive(n: number): Promise<void> {
  for (const step of [finishSrpm, finishChroot, finishTests]) {
    await step(n);
    await stack.redeliverRefused();
  }
}

interface PrState {
  pipelines: number;
  done: boolean;
  duplicated: number;
  why: string;
  /** What was duplicated: `1 builds, 2 checkRuns`. */
  extra: string;
}

async function stateOf(n: number): Promise<PrState> {
  const { rows } = await stack.db.query<{ status: string; reported: boolean }>(
    `select p.status, p.reported_seq = p.report_seq as reported from shared.pipelines p
       join shared.commits c on c.id = p.commit_id where c.sha = $1`,
    [sha(n)],
  );
  const runs = stack.github.checkRunsFor(REPO, sha(n));
  const names = [...new Set(runs.map((r) => r.name))];
  const latest = names.map((name) => stack.github.checkRun(REPO, sha(n), name)!);
  const extra = {
    builds: Math.max(0, buildsOf(n).length - 1),
    requests: Math.max(0, requestsOf(n).length - 1),
    checkRuns: runs.length - names.length,
  };
  const duplicated = extra.builds + extra.requests + extra.checkRuns;
  // Three targets: the SRPM build, the chroot's build, the chroot's tests; each one check run.
  const reportsDone = names.length === 3 && latest.every((r) => r.status === 'completed' && r.conclusion === 'success');
  const done = rows.length === 1 && rows[0].status === 'success' && rows[0].reported && reportsDone;
  const why =
    rows.length === 0
      ? 'no pipeline'
      : `pipeline ${rows.map((r) => `${r.status}${r.reported ? '' : ' (reports pending)'}`).join(', ')}; check runs ${latest.map((r) => `${r.name}=${r.conclusion ?? r.status}`).join(', ') || 'none'}`;
  return {
    pipelines: rows.length,
    done,
    duplicated,
    why,
    extra: Object.entries(extra)
      .filter(([, v]) => v)
      .map(([k, v]) => `${v} ${k}`)
      .join(', '),
  };
}

/** Waits until every pull request of the trial is settled; counts what is not. */
async function settle(prs: number[], accepted: number[], counts: Counts): Promise<void> {
  await waitFor(async () => (await Promise.all(prs.map(stateOf))).every((s) => s.done), {
    what: 'the trial to settle',
    timeoutMs: SETTLE_MS,
    intervalMs: 50,
  }).catch(() => undefined);
  for (const n of prs) {
    const s = await stateOf(n);
    counts.duplicated += s.duplicated;
    if (s.duplicated) counts.notes.push(`#${n}: duplicated ${s.extra}`);
    if (accepted.includes(n) && s.pipelines === 0) {
      counts.lost++;
      counts.notes.push(`#${n}: lost`);
    } else if (!s.done) {
      counts.stuck++;
      counts.notes.push(`#${n}: stuck: ${s.why}`);
    }
  }
}

type Scenario = (counts: Counts) => Promise<{ prs: number[]; accepted: number[] }>;

/** One pull request; `inject` breaks something on its way, `drive` finishes it. */
const onePr =
  (inject: (n: number) => Promise<void>): Scenario =>
  async () => {
    const n = nextPr++;
    await inject(n);
    await drive(n);
    return { prs: [n], accepted: [n] };
  };

const scenarios: Record<string, Scenario> = {
  // The worker dies while its Copr call is on the way: Copr never saw it.
  'worker-kill-before-submit': onePr(async (n) => {
    const held = stack.copr.holdNext('POST', '/api_3/build/create/custom');
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    await arrived(held, 'the SRPM submission');
    await stack.killWorker(() => held.release());
  }),
  // Copr created the build; the worker dies before it learns (and records) the id.
  'worker-kill-after-submit': onePr(async (n) => {
    const held = stack.copr.holdNext('POST', '/api_3/build/create/custom', { afterDoing: true });
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    await arrived(held, 'the SRPM submission');
    await stack.killWorker(() => held.release());
  }),
  // The worker dies while handling the chroot's result: the test request it started
  // exists in Testing Farm, its id is not recorded, the message not acknowledged.
  'worker-kill-while-result-handled': onePr(async (n) => {
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    await finishSrpm(n);
    const held = stack.tf.holdNext('POST', '/v0.1/requests', { afterDoing: true });
    await finishChroot(n);
    await arrived(held, 'the test request');
    await stack.killWorker(() => held.release());
  }),
  // Four pull requests at once; the scheduler dies as the first is answered. Webhooks it
  // did not accept are redelivered (as GitHub offers), with their delivery ids.
  'scheduler-kill-mid-intake': async () => {
    const prs = [nextPr++, nextPr++, nextPr++, nextPr++];
    prs.forEach(preparePr);
    const sends = prs.map((n) =>
      stack.github.emitPullRequest(REPO, { number: n, headSha: sha(n), sender: 'maintainer' }),
    );
    await Promise.race(sends);
    await stack.killScheduler();
    const accepted: number[] = [];
    for (const [i, sent] of (await Promise.all(sends)).entries()) {
      if (sent.status && sent.status < 300) {
        accepted.push(prs[i]);
        continue;
      }
      const again = await stack.github.emitWebhook(sent.event, sent.payload, { deliveryId: sent.deliveryId });
      if (again.status && again.status < 300) accepted.push(prs[i]);
    }
    await Promise.all(prs.filter((n) => accepted.includes(n)).map(drive));
    return { prs, accepted };
  },
  // NATS is down while Copr reports the SRPM: the scheduler records it and publishes later.
  'nats-restart': onePr(async (n) => {
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    const build = await srpmSubmitted(n);
    await stack.nats.stop();
    await stack.copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await stack.nats.start();
  }),
  // PostgreSQL is down while Copr reports the SRPM: refused, sent again once it is back.
  'postgres-restart': onePr(async (n) => {
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    const build = await srpmSubmitted(n);
    await stack.pg.stop();
    await stack.copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await stack.pg.start();
  }),
  // Every Copr message of the chroot twice, the end before the start, and the SRPM's end again.
  'duplicate-out-of-order': onePr(async (n) => {
    if (!(await openPr(n))) throw new Error(`#${n} refused`);
    await finishSrpm(n);
    const before = stack.copr.messagesSent.length;
    await finishChroot(n);
    const chroot = stack.copr.messagesSent.slice(before);
    const srpmEnd = stack.copr.messagesSent.filter(
      (m) =>
        m.payload.build === buildsOf(n)[0].id && m.payload.chroot === 'srpm-builds' && m.payload.topic.endsWith('.end'),
    );
    for (const m of [...chroot.reverse(), ...srpmEnd]) await stack.resend(m);
  }),
};

async function main(): Promise<void> {
  const started = Date.now();
  stack = await FaultStack.start();
  // Stopped from outside: leave no server or service behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void stack.close().finally(() => process.exit(130)));
  const results: Record<string, Counts> = {};
  try {
    for (const [name, scenario] of Object.entries(scenarios)) {
      if (ONLY && !ONLY.includes(name)) continue;
      const counts: Counts = { trials: 0, lost: 0, duplicated: 0, stuck: 0, seconds: [], notes: [] };
      results[name] = counts;
      for (let i = 0; i < TRIALS; i++) {
        const t0 = Date.now();
        let trial: { prs: number[]; accepted: number[] };
        try {
          trial = await scenario(counts);
        } catch (error) {
          // A trial that could not drive its pull requests to the end: what it left counts.
          counts.notes.push(`trial ${i + 1}: ${(error as Error).message}`);
          trial = { prs: [nextPr - 1], accepted: [nextPr - 1] };
        }
        await settle(trial.prs, trial.accepted, counts);
        counts.trials++;
        counts.seconds.push((Date.now() - t0) / 1000);
      }
      const median = [...counts.seconds].sort((a, b) => a - b)[Math.floor(counts.seconds.length / 2)];
      process.stdout.write(
        `${name.padEnd(34)} trials=${counts.trials} lost=${counts.lost} duplicated=${counts.duplicated} stuck=${counts.stuck} median=${median.toFixed(1)}s\n`,
      );
      for (const note of counts.notes.slice(0, 5)) process.stdout.write(`  ${note}\n`);
    }
  } finally {
    await stack.close();
  }
  const all = Object.values(results);
  const sum = (k: 'trials' | 'lost' | 'duplicated' | 'stuck') => all.reduce((s, c) => s + c[k], 0);
  const summary = {
    bench: 'faults',
    trials: sum('trials'),
    lost: sum('lost'),
    duplicated: sum('duplicated'),
    stuck: sum('stuck'),
    seconds: Math.round((Date.now() - started) / 1000),
    scenarios: Object.fromEntries(
      Object.entries(results).map(([k, c]) => [
        k,
        { trials: c.trials, lost: c.lost, duplicated: c.duplicated, stuck: c.stuck },
      ]),
    ),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(summary.lost || summary.duplicated || summary.stuck ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(`faults: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
