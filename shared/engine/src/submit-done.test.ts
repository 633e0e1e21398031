// Activities that finish their work within submit (SubmitResult.done), as the stream
// ecosystem's git push and merge request steps do: the result is applied at once, the
// pipeline goes on, and the reporter sees each target's changes in order (queued before
// its result).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Plan } from '@packflow/config';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { UPSTREAM_KINDS } from '@packflow/upstream';
import type { ActivityDefinition, TargetChange } from './engine.types.js';
import { createEngine } from './pipeline.engine.js';

const RETRY = { maxAttempts: 1, initialDelayMs: 10, backoffFactor: 2, maxDelayMs: 10 };

/** Two chained jobs of the fallback kind (`job_run`), one target each. */
const plan = (): Plan => ({
  steps: ['first', 'second'].map((job) => ({
    id: job,
    package: null,
    job: job as Plan['steps'][number]['job'],
    identifier: null,
    trigger: 'pull_request' as const,
    targets: ['c9s'],
    options: {},
  })),
  edges: [{ from: 'first', to: 'second', target: null }],
  skipped: [],
});

let db: TestDatabase;
let pool: pg.Pool;
let ctx: { projectId: string; commitId: string; trigger: string };
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(() => db.drop());

beforeEach(async () => {
  const one = async (text: string, params: unknown[]) => (await pool.query<{ id: string }>(text, params)).rows[0].id;
  const projectId = await one(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('gitlab', 'https://gitlab.com', 'src', $1) returning id::text`,
    [`done-${++n}`],
  );
  const refId = await one(
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '1') returning id::text`,
    [projectId],
  );
  const commitId = await one(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [projectId, refId, 'b'.repeat(40)],
  );
  ctx = { projectId, commitId, trigger: 'pull_request' };
});

const finishing = (state: 'success' | 'failure'): ActivityDefinition => ({
  submit: async (tasks) => tasks.map((t) => ({ externalId: `done-${t.idempotencyKey}`, done: { state } })),
  timeoutMs: 1_000,
  retry: RETRY,
  pollAfterMs: 60_000,
  finalDeadlineMs: 600_000,
});

describe('work finished within submit', () => {
  it('is applied at once: the next step runs, and each target is reported queued before its result', async () => {
    const reports: TargetChange[] = [];
    const engine = createEngine({
      db: pool,
      kinds: UPSTREAM_KINDS,
      activities: {
        jobs: { first: finishing('success'), second: finishing('success') },
        report: async (changes) => void reports.push(...changes),
      },
    });
    const id = await engine.start(plan(), ctx);
    await engine.idle();
    const state = await engine.getState(id);
    expect(state.status).toBe('success');
    expect(state.steps.map((s) => [s.job, s.targets[0].status, s.targets[0].externalId])).toEqual([
      ['first', 'success', expect.stringMatching(/^done-pf:/)],
      ['second', 'success', expect.stringMatching(/^done-pf:/)],
    ]);
    const seen = (job: string) => reports.filter((r) => r.job === job).map((r) => r.target.status);
    expect(seen('first')).toEqual(['queued', 'success']);
    expect(seen('second')[0]).toBe('pending');
    expect(seen('second').slice(-2)).toEqual(['queued', 'success']);
  });

  it('a failure finished within submit skips what depends on it', async () => {
    const engine = createEngine({
      db: pool,
      kinds: UPSTREAM_KINDS,
      activities: { jobs: { first: finishing('failure'), second: finishing('success') } },
    });
    const state = await engine.getState(await engine.start(plan(), ctx));
    expect(state.steps.map((s) => s.targets[0].status)).toEqual(['failure', 'skipped']);
  });
});
