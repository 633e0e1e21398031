// notifications.failure_comment against real PostgreSQL and the fake GitHub, through the
// engine's reports: the intent is recorded before the comment is posted and the comment
// marked posted after, so a report sent again after a failure in between posts exactly
// one comment: it finds the one the failed attempt posted (its hidden marker) or posts it.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Plan } from '@packflow/config';
import { createLogger } from '@packflow/core';
import { createEngine, type ActivityDefinition, type PipelineEngine } from '@packflow/engine';
import { FakeGithub } from '@packflow/forges/testing';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { ForgeRegistry } from '../forge/forge.registry.js';
import { UPSTREAM_KINDS } from '../model/upstream.kinds.js';
import { UpstreamRepository } from '../upstream.repository.js';
import { StatusReporter } from './status.reporter.js';

const logger = createLogger({ name: 'test', level: 'silent' });
const REPO = 'acme/widget';

let db: TestDatabase;
let github: FakeGithub;
let engine: PipelineEngine;
let ctx: { projectId: string; commitId: string; trigger: string };
let pr = 0;

const srpm: ActivityDefinition = {
  submit: async (tasks) => tasks.map((t) => ({ externalId: `srpm-${t.target.id}` })),
  timeoutMs: 5_000,
  retry: { maxAttempts: 1, initialDelayMs: 0, backoffFactor: 1, maxDelayMs: 0 },
  pollAfterMs: 3_600_000,
  finalDeadlineMs: 3_600_000,
};

const plan: Plan = {
  steps: [
    {
      id: 'srpm_build:widget',
      package: 'widget',
      job: 'srpm_build',
      identifier: null,
      trigger: 'pull_request',
      targets: ['srpm-builds'],
      options: { notifications: { failure_comment: { message: 'Something failed: {{ packit_dashboard_url }}' } } },
    },
  ],
  edges: [],
  skipped: [],
};

beforeAll(async () => {
  db = await createTestDatabase();
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  github = await FakeGithub.start({ appId: 42, appKey: privateKey });
  const forges = new ForgeRegistry({
    github: {
      appId: '42',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      apiUrl: github.url,
      instanceUrl: 'https://github.com',
    },
  });
  const reporter = new StatusReporter(forges, new UpstreamRepository(db.pool()), 'http://dashboard.test', logger);
  engine = createEngine({
    db: db.pool(),
    kinds: UPSTREAM_KINDS,
    activities: { jobs: { srpm_build: srpm }, report: (changes) => reporter.report(changes) },
    logger,
    reportGraceMs: 0,
  });
  const { rows } = await db
    .pool()
    .query<{ id: string }>(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'widget') returning id::text`,
    );
  ctx = { projectId: rows[0].id, commitId: '', trigger: 'pull_request' };
});
afterAll(async () => {
  await github.close();
  await db.drop();
});

beforeEach(async () => {
  const { rows } = await db.pool().query<{ id: string }>(
    `with r as (insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', $2) returning id)
     insert into shared.commits (project_id, ref_id, sha) select $1, r.id, $3 from r returning id::text`,
    [ctx.projectId, String(++pr), String(pr).padStart(40, 'c')],
  );
  ctx.commitId = rows[0].id;
});

const commentsOn = (n: number) => github.comments.filter((c) => c.repo === REPO && c.issueNumber === n);

/** Starts the pipeline of pull request `pr` and fails its SRPM build; answers the target id. */
async function failSrpm(): Promise<string> {
  const id = await engine.start(plan, ctx);
  await engine.idle();
  const target = (await engine.getState(id)).steps[0].targets[0];
  await engine.signal({ kind: 'srpm_build', externalId: target.externalId! }, { state: 'failure', reason: 'bad spec' });
  await engine.idle();
  return target.id;
}

const commented = async (targetId: string) =>
  (await db.pool().query(`select data->'failureCommented' as v from upstream.srpm_builds where id = $1`, [targetId]))
    .rows[0].v;

/** The reconciler's pass, as often as it takes for the report ledger to catch up. */
async function reconcileUntilReported(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await db.pool().query(`update shared.pipelines set report_retry_at = now() where reported_seq < report_seq`);
    if ((await engine.reconcile()).reported === 0) return;
    await engine.idle();
  }
}

describe('failure comments', () => {
  it('posts one comment for a failed target, with the hidden marker of the target', async () => {
    const targetId = await failSrpm();
    await reconcileUntilReported();
    expect(commentsOn(pr)).toHaveLength(1);
    expect(commentsOn(pr)[0].body).toContain(`<!-- packflow:failure-comment:srpm_build:${targetId} -->`);
    expect(await commented(targetId)).toBe(true);
  });

  it('a comment posted whose answer was lost is found on the retry, not posted again', async () => {
    github.failNext({ method: 'POST', path: `/repos/${REPO}/issues/`, status: 502, afterDoing: true });
    const targetId = await failSrpm();
    expect(commentsOn(pr)).toHaveLength(1);
    expect(await commented(targetId)).toBe('intended');
    await reconcileUntilReported();
    expect(commentsOn(pr)).toHaveLength(1);
    expect(await commented(targetId)).toBe(true);
  });

  it('a comment that never reached the forge is posted by the retry', async () => {
    github.failNext({ method: 'POST', path: `/repos/${REPO}/issues/`, status: 502 });
    const targetId = await failSrpm();
    expect(commentsOn(pr)).toHaveLength(0);
    expect(await commented(targetId)).toBe('intended');
    await reconcileUntilReported();
    expect(commentsOn(pr)).toHaveLength(1);
    expect(await commented(targetId)).toBe(true);
  });
});
