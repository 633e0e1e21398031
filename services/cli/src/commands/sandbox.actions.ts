// `packflow sandbox …`: asks the sandbox of the running `pnpm start` (found through the
// state directory) to make a change in its forge, then follows it through packflow's own
// API: POST /api/v1/plan says what the config runs for it, and the event's pipelines give
// the dashboard page to open.
import { readFile } from 'node:fs/promises';
import { PackflowError } from '@packflow/base';
import { EXIT } from '../cli.errors.js';
import { stateDir } from '../local/embedded-postgres.js';
import type { SandboxChange } from '../sandbox/sandbox.server.js';
import { readSandboxHandle, sandboxFile, type SandboxHandle } from '../sandbox/sandbox.state.js';

export interface SandboxChangeOpts {
  config?: string;
  fail?: string[];
  failTests?: string[];
  timeout: string;
}

interface PlanAnswer {
  steps: { job: string; targets: string[] }[];
  skipped: { job: string; package: string | null; identifier: string | null; reason: string }[];
  notes: string[];
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`packflow: ${line}\n`);

async function findSandbox(): Promise<SandboxHandle> {
  const handle = await readSandboxHandle(stateDir());
  if (handle) return handle;
  throw new PackflowError(
    'sandbox_not_running',
    `no packflow sandbox is running for the state directory ${stateDir()} (no live ${sandboxFile(stateDir())}): ` +
      'run `pnpm start` without a forge identity in another terminal (with the same PACKFLOW_STATE_DIR), then try again',
  );
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new PackflowError('bad_option', `--timeout: "${value}" is not a number of seconds`);
  return n * 1000;
}

async function call<T>(url: string, init: RequestInit, what: string): Promise<{ status: number; body: T }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    return { status: response.status, body: (await response.json().catch(() => null)) as T };
  } catch (error) {
    throw new PackflowError('sandbox_unreachable', `cannot reach ${what} at ${url}: ${(error as Error).message}`, {
      retryable: true,
    });
  }
}

async function control(handle: SandboxHandle, action: string, body: unknown): Promise<SandboxChange> {
  const { status, body: answer } = await call<SandboxChange & { message?: string }>(
    `${handle.control}/${action}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${handle.token}` },
      body: JSON.stringify(body),
    },
    'the sandbox',
  );
  if (status !== 200) throw new PackflowError('sandbox_refused', `the sandbox refused: ${answer?.message ?? status}`);
  return answer;
}

/** packflow's answer to the webhook: the event id, or undefined (said on stderr) when it refused it. */
function eventOf(change: SandboxChange): string | undefined {
  const { status, body, error } = change.delivery;
  const id = (body as { event_id?: unknown } | undefined)?.event_id;
  if (status !== undefined && status < 300 && id !== undefined) return String(id);
  err(`packflow did not accept the webhook: ${error ?? `${status} ${JSON.stringify(body)}`}`);
  return undefined;
}

/** Waits for the first pipeline the event starts (reruns it asks for included). */
async function waitForPipeline(handle: SandboxHandle, eventId: string, timeoutMs: number): Promise<string | undefined> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { status, body } = await call<{ items?: { id: string }[] }>(
      `${handle.web}/api/v1/events/${eventId}/pipelines`,
      { headers: { accept: 'application/json' } },
      'packflow web',
    );
    if (status === 200 && body.items?.length) return body.items[0].id;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

async function reportPipeline(handle: SandboxHandle, eventId: string, timeoutMs: number): Promise<number> {
  const pipeline = await waitForPipeline(handle, eventId, timeoutMs);
  if (pipeline) {
    out(`pipeline ${pipeline}: ${handle.web}/pipelines/${pipeline}`);
    return EXIT.ok;
  }
  err(
    `no pipeline started within ${timeoutMs / 1000} s for event ${eventId} (${handle.web}/events/${eventId}); ` +
      'the log of `pnpm start` says why',
  );
  return EXIT.failed;
}

export async function runSandboxChange(
  kind: 'pull-request' | 'push' | 'release',
  opts: SandboxChangeOpts,
): Promise<number> {
  const timeoutMs = seconds(opts.timeout);
  let config: string | undefined;
  if (opts.config) {
    try {
      config = await readFile(opts.config, 'utf8');
    } catch (error) {
      throw new PackflowError('bad_option', `--config: cannot read ${opts.config}: ${(error as Error).message}`);
    }
  }
  const fail = opts.fail ?? [];
  const handle = await findSandbox();
  const failTests = opts.failTests ?? [];
  const change = await control(handle, kind, { config, fail, failTests });
  out(`sandbox: ${change.summary}: ${change.url}`);
  const eventId = eventOf(change);
  if (!eventId) return EXIT.failed;
  out(`packflow accepted the webhook: event ${eventId}`);

  // What the config runs for this change: the same planning the worker does.
  const planned = await call<PlanAnswer & { message?: string }>(
    `${handle.web}/api/v1/plan`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ config: change.config, event: { type: change.eventType, payload: change.payload } }),
    },
    'packflow web',
  );
  if (planned.status !== 200) {
    err(`the config is invalid, so nothing runs: ${planned.body?.message ?? planned.status}`);
    return EXIT.failed;
  }
  const plan = planned.body;
  if (plan.steps.length === 0) {
    out(`nothing runs for this ${kind}:`);
    for (const s of plan.skipped) out(`  ${[s.job, s.package, s.identifier].filter(Boolean).join(' ')}: ${s.reason}`);
    for (const note of plan.notes) out(`  note: ${note}`);
    return EXIT.ok;
  }
  const built = new Set(plan.steps.filter((s) => s.job === 'copr_build').flatMap((s) => s.targets));
  for (const chroot of fail) {
    if (built.has(chroot)) out(`the sandbox Copr fails ${chroot} on this first build`);
    else
      out(`note: --fail ${chroot}: this config builds no such chroot (it builds ${[...built].join(', ') || 'none'})`);
  }
  const tested = new Set(plan.steps.filter((s) => s.job === 'tests').flatMap((s) => s.targets));
  for (const chroot of failTests) {
    if (tested.has(chroot)) out(`the sandbox Testing Farm fails the first test run on ${chroot}`);
    else
      out(
        `note: --fail-tests ${chroot}: this config tests no such chroot (it tests ${[...tested].join(', ') || 'none'})`,
      );
  }
  return reportPipeline(handle, eventId, timeoutMs);
}

export async function runSandboxComment(number: string, text: string, opts: { timeout: string }): Promise<number> {
  const timeoutMs = seconds(opts.timeout);
  if (!/^[1-9][0-9]*$/.test(number))
    throw new PackflowError('bad_argument', `"${number}" is not a pull request number`);
  const handle = await findSandbox();
  const change = await control(handle, 'comment', { number: Number(number), body: text });
  out(`sandbox: ${change.summary}: ${change.url}`);
  const eventId = eventOf(change);
  if (!eventId) return EXIT.failed;
  out(`packflow accepted the webhook: event ${eventId}`);
  // A command starts a pipeline, or packflow answers on the pull request (help, a refusal).
  const commentId = (change.payload as { comment?: { id?: number } }).comment?.id ?? 0;
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const pipeline = await waitForPipeline(handle, eventId, 1000);
    if (pipeline) {
      out(`pipeline ${pipeline}: ${handle.web}/pipelines/${pipeline}`);
      return EXIT.ok;
    }
    const { replies = [] } = await control(handle, 'replies', { number: Number(number), after: commentId });
    if (replies.length) {
      for (const reply of replies) out(`packflow replied on the pull request:\n${reply.replace(/^/gm, '  ')}`);
      return EXIT.ok;
    }
  }
  err(
    `no pipeline started and no reply within ${timeoutMs / 1000} s for event ${eventId}; the log of \`pnpm start\` says why`,
  );
  return EXIT.failed;
}
