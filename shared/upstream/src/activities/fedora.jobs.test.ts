// koji_build and bodhi_update with the engine in the loop, on real PostgreSQL, through the
// real Koji and Bodhi clients against their fakes: a dist-git commit is built in Koji from
// its git URL into its branch's target, the Koji result (as the buildsys message's signal,
// or by polling when none came) moves the pipeline on, and the Bodhi update takes that
// build. A retry of either step after a crash adopts what the first attempt made.
import { beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Plan } from '@packflow/config';
import type { EngineActivities, PipelineEngine, TargetTask } from '@packflow/engine';
import { bodhiUpdateActivity } from './bodhi.activities.js';
import { fedoraFixture } from './fedora.fixture.js';
import { KOJI_TRY_KEY, kojiBuildActivity } from './koji-build.activities.js';

const f = fedoraFixture({ targets: { f41: { buildTag: 'f41-build', destTag: 'f41-updates-candidate' } } });
let n = 0;
let ctx: { projectId: string; commitId: string; trigger: string };
let sha: string;
let repo: string;

/** The two jobs, with fresh clients (a new worker after a crash). */
function jobs() {
  return {
    koji_build: kojiBuildActivity({ koji: f.kojiClient(), kojiWebUrl: 'https://koji.example/koji' }),
    bodhi_update: bodhiUpdateActivity({
      koji: f.kojiClient(),
      bodhi: f.bodhiClient(),
      pagure: f.pagureForge(),
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

beforeAll(() => f.pagure.addGroup('koji-builders', ['packit']));

beforeEach(async () => {
  // Each test its own package: the fake Koji refuses a second build of one NVR, as Koji does.
  repo = `hello${++n}`;
  sha = `${n}`.padStart(40, 'c');
  f.pagure.addProject(`rpms/${repo}`, { owner: 'maintainer', branches: ['rawhide'] });
  ctx = await f.distGitCommit(repo, 'rawhide', sha, 'commit');
});

async function kojiTarget(engine: PipelineEngine, pipelineId: string) {
  const state = await engine.getState(pipelineId);
  return state.steps.find((s) => s.job === 'koji_build')!.targets[0];
}

/** The bodhi_update target once the rawhide koji_build of a plan with these allowed_builders finished. */
async function updateOfFinishedBuild(allowedBuilders: string[]) {
  const engine = f.newEngine(activities());
  const id = await engine.start(plan('rawhide', { allowed_builders: allowedBuilders }), ctx);
  await engine.idle();
  const target = await kojiTarget(engine, id);
  await f.koji.finishTask(Number(target.externalId), 'CLOSED');
  await engine.signal({ kind: 'koji_build', externalId: target.externalId! }, { state: 'success' });
  await engine.idle();
  return (await engine.getState(id)).steps.find((s) => s.job === 'bodhi_update')!.targets[0];
}

describe('koji_build and bodhi_update', () => {
  it('builds the dist-git commit into its branch target, and the finished build becomes one Bodhi update', async () => {
    const engine = f.newEngine(activities());
    const id = await engine.start(plan('rawhide', { allowed_builders: ['packit'] }), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    expect(target.status).toBe('queued');
    const task = f.koji.task(Number(target.externalId));
    expect(task.request).toEqual([
      `git+https://src.fedoraproject.org/rpms/${repo}.git#${sha}`,
      'rawhide',
      { custom_user_metadata: { [KOJI_TRY_KEY]: target.idempotencyKey } },
    ]);
    expect(target.webUrl).toBe(`https://koji.example/koji/taskinfo?taskID=${task.id}`);

    // The buildsys task message's signal, as the upstream handler gives it.
    await f.koji.finishTask(task.id, 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: String(task.id) }, { state: 'success' });
    await engine.idle();
    const state = await engine.getState(id);
    expect(state.status).toBe('success');
    const updates = f.bodhi.updates.filter((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)));
    expect(updates.map((u) => u.builds.map((b) => b.nvr))).toEqual([[`${repo}-1.0-1.fc44`]]);
    const update = state.steps.find((s) => s.job === 'bodhi_update')!.targets[0];
    expect(update.externalId).toBe(updates[0].alias);
  });

  it('learns a Koji result whose message never came by polling, and a failed build skips the update', async () => {
    const engine = f.newEngine(activities());
    const id = await engine.start(plan('f41'), ctx);
    await engine.idle();
    const target = await kojiTarget(engine, id);
    expect(f.koji.task(Number(target.externalId)).request[1]).toBe('f41');
    await f.koji.finishTask(Number(target.externalId), 'FAILED');
    const polled = await jobs().koji_build.poll!({ target } as TargetTask);
    expect(polled).toMatchObject({ state: 'failure' });
    await engine.signal({ kind: 'koji_build', externalId: target.externalId! }, polled!);
    const state = await engine.getState(id);
    expect(state.steps.map((s) => s.targets[0].status)).toEqual(['failure', 'skipped']);
    expect(f.bodhi.updates.some((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)))).toBe(false);
  });

  it('a retry after a crash adopts the Koji task and the Bodhi update the first attempt made', async () => {
    const engine = f.newEngine(activities());
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
    const builds = f.koji.buildTasks().length;
    const [again] = await jobs().koji_build.submit([task(kojiStep)]);
    expect(again.externalId).toBe(kojiStep.targets[0].externalId);
    expect(f.koji.buildTasks().length).toBe(builds);

    await f.koji.finishTask(Number(again.externalId), 'CLOSED');
    await engine.signal({ kind: 'koji_build', externalId: again.externalId }, { state: 'success' });
    await engine.idle();
    const done = await engine.getState(id);
    const bodhiStep = done.steps.find((s) => s.job === 'bodhi_update')!;
    expect(bodhiStep.targets[0].status).toBe('success');
    const updates = f.bodhi.updates.length;
    const [adopted] = await jobs().bodhi_update.submit([
      task(bodhiStep, [done.steps.find((s) => s.job === 'koji_build')!.targets[0]]),
    ]);
    expect(adopted.externalId).toBe(bodhiStep.targets[0].externalId);
    expect(f.bodhi.updates.length).toBe(updates);
  });

  it('makes the update of a finished build packflow did not make once, and a retry after a crash adopts it', async () => {
    const done = await f.kojiClient().build(`git+https://src.fedoraproject.org/rpms/${repo}.git#${sha}`, 'f41');
    await f.koji.finishTask(done, 'CLOSED');
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
    const engine = f.newEngine(activities());
    const id = await engine.start(only, { ...ctx, trigger: 'koji_build' });
    await engine.idle();
    const [step] = (await engine.getState(id)).steps;
    const updates = () => f.bodhi.updates.filter((u) => u.builds.some((b) => b.nvr === nvr));
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
    const update = await updateOfFinishedBuild(['someone-else']);
    expect(update).toMatchObject({ status: 'error', reason: expect.stringContaining('packit') });
    expect(f.bodhi.updates.some((u) => u.builds.some((b) => b.nvr.startsWith(`${repo}-`)))).toBe(false);
  });

  // packflow's Koji account (packit here) is in the group koji-builders; it is no admin of the package.
  it.each([
    [['@koji-builders'], 'success', undefined],
    [['all_admins'], 'error', 'the build is by packit, who is not among allowed_builders (all_admins)'],
    [['@nobody-here', 'all_committers'], 'error', expect.stringContaining('@nobody-here, all_committers')],
  ])('reads allowed_builders %j as Packit does (groups, role aliases): %s', async (allowed, status, reason) => {
    const update = await updateOfFinishedBuild(allowed);
    expect(update).toMatchObject({ status, ...(reason ? { reason } : {}) });
  });
});
