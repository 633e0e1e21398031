// Regression tests for "kill -9 after the fake Copr stored the SRPM build: two Copr builds":
// the real Copr and Testing Farm activities, driven by the engine against the fakes
// (which, like the real services, build or test twice when asked twice), adopt what an
// attempt that died after the service answered had created.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Plan, PlanStep } from '@packflow/config';
import { CoprClient, TestingFarmClient } from '@packflow/clients';
import { createEngine, type ActivityDefinition, type PipelineEngine } from '@packflow/engine';
import { createTestDatabase, FakeCopr, FakeTestingFarm, type TestDatabase } from '@packflow/testing';
import { UPSTREAM_KINDS } from '../model/upstream.kinds.js';
import { UpstreamRepository } from '../upstream.repository.js';
import { coprActivities } from './copr.activities.js';
import { IDEMPOTENCY_VARIABLE, testingFarmActivities } from './testing-farm.activities.js';

const CHROOT = 'fedora-41-x86_64';

const step = (job: PlanStep['job'], targets: string[], options: Record<string, unknown> = {}): PlanStep => ({
  id: `${job}:hello`,
  package: 'hello',
  job,
  identifier: null,
  trigger: 'pull_request',
  targets,
  options,
});
const buildPlan: Plan = {
  steps: [step('srpm_build', ['srpm-builds']), step('copr_build', [CHROOT], { owner: 'packit' })],
  edges: [{ from: 'srpm_build:hello', to: 'copr_build:hello', target: null }],
  skipped: [],
};
const testPlan: Plan = { steps: [step('tests', [CHROOT, 'fedora-42-x86_64'])], edges: [], skipped: [] };

/** Retries at once (the policy's first delay is seconds). */
const now = (def: ActivityDefinition): ActivityDefinition => ({ ...def, retry: { ...def.retry, initialDelayMs: 0 } });

let db: TestDatabase;
let pool: pg.Pool;
let copr: FakeCopr;
let tf: FakeTestingFarm;
let jobs: Record<string, ActivityDefinition>;
let ctx: { projectId: string; commitId: string; trigger: string };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(() => db.drop());

let repo = 0;
beforeEach(async () => {
  await copr?.close();
  await tf?.close();
  copr = await FakeCopr.start();
  tf = await FakeTestingFarm.start();
  const { srpm, rpm } = coprActivities({
    copr: new CoprClient({ baseUrl: copr.url, login: copr.login, token: copr.token }),
    defaultOwner: 'packit',
  });
  const tests = testingFarmActivities({
    testingFarm: new TestingFarmClient({ baseUrl: tf.apiUrl, apiKey: tf.apiKey }),
    repository: new UpstreamRepository(pool),
    publicUrl: 'http://127.0.0.1:9/scheduler',
  });
  jobs = { srpm_build: now(srpm), copr_build: now(rpm), tests: now(tests) };
  const project = await pool.query(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1) returning id::text`,
    [`hello-${++repo}`],
  );
  const projectId = project.rows[0].id;
  const ref = await pool.query(
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '7') returning id::text`,
    [projectId],
  );
  const commit = await pool.query(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [projectId, ref.rows[0].id, '1'.repeat(40)],
  );
  ctx = { projectId, commitId: commit.rows[0].id, trigger: 'pull_request' };
});
afterAll(async () => {
  await copr?.close();
  await tf?.close();
});

/** A fresh engine, as a restarted worker has. The first attempt's lease is over at once. */
const engine = (): PipelineEngine =>
  createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: { jobs }, submitLeaseMs: 0 });

async function targetsOf(pipelineId: string, job: string) {
  const state = await engine().getState(pipelineId);
  return state.steps.find((s) => s.job === job)!.targets;
}

describe('fakes build twice when asked twice, as the real services do', () => {
  it('Copr makes a second build and Testing Farm a second request for the same submission', async () => {
    const client = new CoprClient({ baseUrl: copr.url, login: copr.login, token: copr.token });
    await client.ensureProject({ owner: 'packit', project: 'twice', chroots: [CHROOT] });
    const input = { owner: 'packit', project: 'twice', script: '#!/bin/sh\ntrue', chroots: [CHROOT] };
    const [a, b] = [await client.submitSrpmBuild(input), await client.submitSrpmBuild(input)];
    expect(a.id).not.toBe(b.id);
    expect(copr.builds.size).toBe(2);

    const farm = new TestingFarmClient({ baseUrl: tf.apiUrl, apiKey: tf.apiKey });
    const request = {
      fmf: { url: 'https://github.com/packit/hello.git' },
      environment: { compose: 'Fedora-41', arch: 'x86_64' },
    };
    expect((await farm.submitRequest(request)).id).not.toBe((await farm.submitRequest(request)).id);
    expect(tf.testRequests.size).toBe(2);
  });
});

describe('a submission whose answer was lost is adopted, not sent again', () => {
  it('Copr SRPM build: the retry finds the build by the key in its script and records its id', async () => {
    // Copr stores the build, then the connection drops: the worker never learns the id.
    copr.failNext({ method: 'POST', path: '/api_3/build/create/custom', afterDoing: true, drop: true });
    const id = await engine().start(buildPlan, ctx);
    expect(copr.builds.size).toBe(1);
    expect((await targetsOf(id, 'srpm_build'))[0].externalId).toBeNull();

    expect((await engine().reconcile()).resubmitted).toBe(1);
    const [build] = [...copr.builds.values()];
    expect(copr.builds.size).toBe(1);
    const [srpm] = await targetsOf(id, 'srpm_build');
    expect(srpm.externalId).toBe(String(build.id));
    expect(String(build.request.script)).toContain(srpm.idempotencyKey!);
  });

  it('Copr SRPM build: an adopted build that is over already gives its result, and its chroots theirs, at once', async () => {
    copr.failNext({ method: 'POST', path: '/api_3/build/create/custom', afterDoing: true, drop: true });
    const e = engine();
    const id = await e.start(buildPlan, ctx);
    // While no target knew its id, the build ran to its end: its messages named nobody.
    const [build] = [...copr.builds.values()];
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await copr.finishBuild(build.id, CHROOT, 'failed');

    expect((await e.reconcile()).resubmitted).toBe(1);
    await e.idle();
    expect(copr.builds.size).toBe(1);
    expect((await targetsOf(id, 'srpm_build'))[0]).toMatchObject({ externalId: String(build.id), status: 'success' });
    expect((await targetsOf(id, 'copr_build'))[0]).toMatchObject({
      externalId: String(build.id),
      status: 'failure',
      reason: 'Copr build failed',
    });
  });

  it('Copr SRPM build: a retry whose first attempt never reached Copr submits once', async () => {
    copr.failNext({ method: 'POST', path: '/api_3/build/create/custom', drop: true });
    const id = await engine().start(buildPlan, ctx);
    expect(copr.builds.size).toBe(0);
    expect((await engine().reconcile()).resubmitted).toBe(1);
    expect(copr.builds.size).toBe(1);
    expect((await targetsOf(id, 'srpm_build'))[0].externalId).toBe(String([...copr.builds.keys()][0]));
  });

  it('Copr RPM rebuild of some chroots: the retry finds the build by its SRPM URL and chroots', async () => {
    const e = engine();
    const id = await e.start(buildPlan, ctx);
    const [srpmBuild] = [...copr.builds.values()];
    await copr.finishBuild(srpmBuild.id, 'srpm-builds', 'succeeded');
    await e.signal({ kind: 'srpm_build', externalId: String(srpmBuild.id) }, { state: 'success' });
    await e.signal({ kind: 'copr_build', externalId: String(srpmBuild.id), target: CHROOT }, { state: 'failure' });
    copr.failNext({ method: 'POST', path: '/api_3/build/create/url', afterDoing: true, drop: true });
    const coprStep = (await e.getState(id)).steps.find((s) => s.job === 'copr_build')!;
    const rerun = await e.rerunTargets(coprStep.id, [CHROOT]);
    expect(copr.builds.size).toBe(2);
    expect((await engine().reconcile()).resubmitted).toBe(1);
    expect(copr.builds.size).toBe(2);
    const rebuilt = Math.max(...copr.builds.keys());
    expect((await targetsOf(rerun, 'copr_build'))[0].externalId).toBe(String(rebuilt));
  });

  it('Testing Farm: the retry finds each request by its key variable and keeps the token it was sent with', async () => {
    tf.failNext({ method: 'POST', path: '/v0.1/requests', afterDoing: true, drop: true });
    const id = await engine().start(testPlan, ctx);
    // The first request was created, the batch stopped there: the second was never sent.
    expect(tf.testRequests.size).toBe(1);
    const [created] = tf.testRequests.keys();
    expect((await engine().reconcile()).resubmitted).toBe(2);
    expect(tf.testRequests.size).toBe(2);
    expect((await targetsOf(id, 'tests')).map((t) => t.externalId)).toContain(created);

    const targets = await targetsOf(id, 'tests');
    for (const target of targets) {
      const request = tf.testRequest(target.externalId!);
      expect(request.environments[0].variables?.[IDEMPOTENCY_VARIABLE]).toBe(target.idempotencyKey);
      const { rows } = await pool.query('select notification_token_hash from upstream.test_run_targets where id = $1', [
        target.id,
      ]);
      // Its notification will be accepted: the hash recorded is the hash of the token it carries.
      expect(rows[0].notification_token_hash).toBe(
        createHash('sha256').update(request.notification!.token).digest('hex'),
      );
    }
  });
});
