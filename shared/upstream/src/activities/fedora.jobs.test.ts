// koji_build and bodhi_update with the engine in the loop, on real PostgreSQL, through the
// real Koji and Bodhi clients against their fakes: a dist-git commit is built in Koji from
// its git URL into its branch's target, the Koji result (as the buildsys message's signal,
// or by polling when none came) moves the pipeline on, and the Bodhi update takes that
// build. A retry of either step after a crash adopts what the first attempt made.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { BodhiClient, KojiClient } from '@packflow/clients';
import { FakeBodhi, FakeKoji } from '@packflow/clients/testing';
import type { Plan } from '@packflow/config';
import { PagureForge } from '@packflow/forges';
import { FakePagure } from '@packflow/forges/testing';
import { createEngine, type EngineActivities, type PipelineEngine, type TargetTask } from '@packflow/engine';
import {
  createTestCertificates,
  createTestDatabase,
  type TestCertificates,
  type TestDatabase,
} from '@packflow/testing';
import { UPSTREAM_KINDS } from '../model/upstream.kinds.js';
import { bodhiUpdateActivity } from './bodhi.activities.js';
import { KOJI_TRY_KEY, kojiBuildActivity } from './koji-build.activities.js';

let db: TestDatabase;
let pool: pg.Pool;
let pki: TestCertificates;
let koji: FakeKoji;
let bodhi: FakeBodhi;
let pagure: FakePagure;
let n = 0;
let ctx: { projectId: string; commitId: string; trigger: string };
let sha: string;
let repo: string;

const kojiClient = () =>
  new KojiClient({
    hubUrl: koji.hubUrl,
    auth: { kind: 'certificate', certPath: pki.client('packit').combinedPath },
    serverCaPath: pki.caPath,
  });
const bodhiClient = () =>
  new BodhiClient({
    baseUrl: bodhi.url,
    oidc: { tokenUrl: bodhi.tokenUrl, clientId: 'packflow-bodhi', clientSecret: 'oidc-secret' },
  });

/** The two jobs, with fresh clients (a new worker after a crash). */
function jobs() {
  return {
    koji_build: kojiBuildActivity({ koji: kojiClient(), kojiWebUrl: 'https://koji.example/koji' }),
    bodhi_update: bodhiUpdateActivity({
      koji: kojiClient(),
      bodhi: bodhiClient(),
      pagure: new PagureForge({ instanceUrl: pagure.url, token: 'pagure-token' }),
    }),
  };
}
const activities = (): EngineActivities => ({ jobs: jobs() });

/** What a dist-git push of `koji_build` + `bodhi_update` plans, for the pushed branch. */
function plan(branch: string, bodhiOptions: Record<string, unknown> = {}): Plan {
  const step = (job: 'koji_build' | 'bodhi_update', options: Record<string, unknown>) => ({
    id: `${job}:${repo}`,
    package: repo,
    job,
    identifier: null,
    trigger: 'commit' as const,
    targets: [branch],
    options,
  });
  return {
    steps: [step('koji_build', {}), step('bodhi_update', bodhiOptions)],
    edges: [{ from: `koji_build:${repo}`, to: `bodhi_update:${repo}`, target: branch }],
    skipped: [],
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    targets: { f41: { buildTag: 'f41-build', destTag: 'f41-updates-candidate' } },
  });
  bodhi = await FakeBodhi.start({
    clients: { 'packflow-bodhi': { secret: 'oidc-secret', user: 'packit' } },
    buildExists: (nvr) => koji.hasBuild(nvr),
    tagBuilds: (tag) => koji.taggedNvrs(tag),
  });
  pagure = await FakePagure.start({ tokens: { 'pagure-token': 'packit' } });
  pagure.addGroup('koji-builders', ['packit']);
});

afterAll(async () => {
  await Promise.all([koji.close(), bodhi.close(), pagure.close()]);
  pki.remove();
  await db.drop();
});

beforeEach(async () => {
  // Each test its own package: the fake Koji refuses a second build of one NVR, as Koji does.
  repo = `hello${++n}`;
  sha = `${n}`.padStart(40, 'c');
  const one = async (text: string, params: unknown[]) => (await pool.query<{ id: string }>(text, params)).rows[0].id;
  const projectId = await one(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('pagure', 'https://src.fedoraproject.org', 'rpms', $1) returning id::text`,
    [repo],
  );
  const refId = await one(
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'branch', 'rawhide') returning id::text`,
    [projectId],
  );
  pagure.addProject(`rpms/${repo}`, { owner: 'maintainer', branches: ['rawhide'] });
  const commitId = await one(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [projectId, refId, sha],
  );
  ctx = { projectId, commitId, trigger: 'commit' };
});

async function kojiTarget(engine: PipelineEngine, pipelineId: string) {
  const state = await engine.getState(pipelineId);
  return state.steps.find((s) => s.job === 'koji_build')!.targets[0];
}

describe('koji_build and bodhi_update', () => {
  it('builds the dist-git commit into its branch target, and the finished build becomes one Bodhi update', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(plan('rawhide', { allowed_builders: ['packit'] }), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    expect(target.status).toBe('queued');
    const task = koji.task(Number(target.externalId));
    expect(task.request).toEqual([
      `git+https://src.fedoraproject.org/rpms/${repo}.git#${sha}`,
      'rawhide',
      { custom_user_metadata: { [KOJI_TRY_KEY]: target.idempotencyKey } },
    ]);
    expect(target.webUrl).toBe(`https://koji.example/koji/taskinfo?taskID=${task.id}`);

    // The buildsys task message's signal, as the upstream handler gives it.
    await koji.finishTask(task.id, 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: String(task.id) }, { state: 'success' });
    await engine.idle();
    const state = await engine.getState(id);
    expect(state.status).toBe('success');
    const updates = bodhi.updates.filter((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)));
    expect(updates.map((u) => u.builds.map((b) => b.nvr))).toEqual([[`${repo}-1.0-1.fc44`]]);
    const update = state.steps.find((s) => s.job === 'bodhi_update')!.targets[0];
    expect(update.externalId).toBe(updates[0].alias);
  });

  it('learns a Koji result whose message never came by polling, and a failed build skips the update', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(plan('f41'), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    expect(koji.task(Number(target.externalId)).request[1]).toBe('f41');
    await koji.finishTask(Number(target.externalId), 'FAILED');
    const polled = await jobs().koji_build.poll!({ target } as TargetTask);
    expect(polled).toMatchObject({ state: 'failure' });
    await engine.signal({ kind: 'koji_build', externalId: target.externalId! }, polled!);
    const state = await engine.getState(id);
    expect(state.steps.map((s) => s.targets[0].status)).toEqual(['failure', 'skipped']);
    expect(bodhi.updates.some((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)))).toBe(false);
  });

  it('a retry after a crash adopts the Koji task and the Bodhi update the first attempt made', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(plan('rawhide'), ctx);
    await engine.idle();
    const state = await engine.getState(id);
    const kojiStep = state.steps.find((s) => s.job === 'koji_build')!;
    const task = (step: typeof kojiStep, inputs: TargetTask['inputs'] = []): TargetTask => ({
      pipelineId: id,
      pipeline: {
        id,
        project: {
          id: ctx.projectId,
          forge: 'pagure',
          instanceUrl: 'https://src.fedoraproject.org',
          namespace: 'rpms',
          repo,
        },
        ref: { kind: 'branch', name: 'rawhide' },
        commitSha: sha,
      },
      stepId: step.id,
      job: step.job,
      package: repo,
      identifier: null,
      options: {},
      target: step.targets[0],
      idempotencyKey: step.targets[0].idempotencyKey!,
      inputs,
      next: [],
    });
    // A new worker submits the same try again (its first submit was not recorded).
    const builds = koji.buildTasks().length;
    const [again] = await jobs().koji_build.submit([task(kojiStep)]);
    expect(again.externalId).toBe(kojiStep.targets[0].externalId);
    expect(koji.buildTasks().length).toBe(builds);

    await koji.finishTask(Number(again.externalId), 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: again.externalId }, { state: 'success' });
    await engine.idle();
    const done = await engine.getState(id);
    const bodhiStep = done.steps.find((s) => s.job === 'bodhi_update')!;
    expect(bodhiStep.targets[0].status).toBe('success');
    const updates = bodhi.updates.length;
    const [adopted] = await jobs().bodhi_update.submit([
      task(bodhiStep, [done.steps.find((s) => s.job === 'koji_build')!.targets[0]]),
    ]);
    expect(adopted.externalId).toBe(bodhiStep.targets[0].externalId);
    expect(bodhi.updates.length).toBe(updates);
  });

  it('makes the update of a finished build packflow did not make once, and a retry after a crash adopts it', async () => {
    const done = await kojiClient().build(`git+https://src.fedoraproject.org/rpms/${repo}.git#${sha}`, 'f41');
    await koji.finishTask(done, 'CLOSED');
    const nvr = `${repo}-1.0-1.fc41`;
    const only: Plan = {
      steps: [
        {
          id: `bodhi_update:${repo}`,
          package: repo,
          job: 'bodhi_update',
          identifier: null,
          trigger: 'koji_build',
          targets: ['f41'],
          options: { koji_build_nvr: nvr },
        },
      ],
      edges: [],
      skipped: [],
    };
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(only, { ...ctx, trigger: 'koji_build' });
    await engine.idle();
    const [step] = (await engine.getState(id)).steps;
    const updates = () => bodhi.updates.filter((u) => u.builds.some((b) => b.nvr === nvr));
    expect(step.targets[0]).toMatchObject({ status: 'success', externalId: updates()[0].alias });
    expect(updates()).toHaveLength(1);
    // A new worker submits the same try again (the first result was not recorded).
    const [again] = await jobs().bodhi_update.submit([
      {
        pipeline: { project: { namespace: 'rpms', repo } },
        options: { koji_build_nvr: nvr },
        target: step.targets[0],
        idempotencyKey: step.targets[0].idempotencyKey!,
        inputs: [],
      } as unknown as TargetTask,
    ]);
    expect(again.externalId).toBe(updates()[0].alias);
    expect(updates()).toHaveLength(1);
  });

  it('refuses to make an update of a build by someone not among allowed_builders', async () => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(plan('rawhide', { allowed_builders: ['someone-else'] }), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    await koji.finishTask(Number(target.externalId), 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: target.externalId! }, { state: 'success' });
    await engine.idle();
    const update = (await engine.getState(id)).steps.find((s) => s.job === 'bodhi_update')!.targets[0];
    expect(update).toMatchObject({ status: 'error', reason: expect.stringContaining('packit') });
    expect(bodhi.updates.some((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)))).toBe(false);
  });

  // packflow's Koji account (packit here) is in the group koji-builders; it is no admin of the package.
  it.each([
    [['@koji-builders'], 'success', undefined],
    [['all_admins'], 'error', 'the build is by packit, who is not among allowed_builders (all_admins)'],
    [['@nobody-here', 'all_committers'], 'error', expect.stringContaining('@nobody-here, all_committers')],
  ])('reads allowed_builders %j as Packit does (groups, role aliases): %s', async (allowed, status, reason) => {
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: activities() });
    const id = await engine.start(plan('rawhide', { allowed_builders: allowed }), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    await koji.finishTask(Number(target.externalId), 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: target.externalId! }, { state: 'success' });
    await engine.idle();
    const update = (await engine.getState(id)).steps.find((s) => s.job === 'bodhi_update')!.targets[0];
    expect(update).toMatchObject({ status, ...(reason ? { reason } : {}) });
  });
});
