// The sync pipeline's activities on the engine, against real PostgreSQL, real git and the
// fake GitLab: a whole sync, and the crashes it must survive without losing the sync or
// opening a second merge request (a result lost after the work was done, a work tree gone
// before the push, a merge request step run twice).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { createEngine, type EngineActivities, type PipelineEngine } from '@packflow/engine';
import { FakeGitlab } from '@packflow/forges/testing';
import { GitlabForge } from '@packflow/forges';
import { KcidbSubmissionProcessor } from '@packflow/results';
import { updateDistGit } from '@packflow/source-git';
import { validateStreamMessage } from '@packflow/events';
import {
  createTestDatabase,
  distGitRepo,
  sourceGitRepo,
  useGitTestEnv,
  waitFor,
  type TestDatabase,
  type TestRepo,
} from '@packflow/testing';
import { LINK_MARKER, SyncActivities, type SyncOptions } from './activities/sync.activities.js';
import { KcidbReporter } from './handlers/kcidb.reporter.js';
import { syncPlan } from './handlers/stream.service.js';
import { STREAM_KINDS } from './model/stream.kinds.js';
import { StreamRepository } from './stream.repository.js';
import type { StreamSettings } from './stream.settings.js';
import { GitWorkspace } from '@packflow/source-git';

const logger = createLogger({ name: 'test', level: 'silent' });
const BRANCH = 'c9s';

let db: TestDatabase;
let gitlab: FakeGitlab;
let root: string;
let n = 0;

beforeAll(async () => {
  useGitTestEnv();
  root = mkdtempSync(join(tmpdir(), 'packflow-sync-pipeline-'));
  db = await createTestDatabase();
  gitlab = await FakeGitlab.start({ token: 'glpat-sync' });
});

afterAll(async () => {
  await gitlab.close();
  await db.drop();
  rmSync(root, { recursive: true, force: true });
});

interface World {
  pkg: string;
  src: string;
  rpms: string;
  sg: TestRepo;
  head: string;
  settings: StreamSettings;
  sync: SyncActivities;
  activities: EngineActivities;
  options: SyncOptions;
  projectId: string;
  commitId: string;
}

let world: World;

/** A source-git and dist-git project of their own, a merge request with one downstream commit, and its pair. */
async function setUp(): Promise<World> {
  const pkg = `pkg${++n}`;
  const src = `redhat/centos-stream/src/${pkg}`;
  const rpms = `redhat/centos-stream/rpms/${pkg}`;
  const dir = join(root, pkg);
  const sg = sourceGitRepo(join(dir, 'src'));
  const dg = distGitRepo(join(dir, 'rpms'));
  await updateDistGit(sg.dir, dg.dir, { message: 'Sync from source-git' });
  await gitlab.projects.createProject(src, { defaultBranch: BRANCH });
  await gitlab.projects.createProject(rpms, { defaultBranch: BRANCH });
  sg.git('push', '--quiet', '--tags', gitlab.projects.cloneUrl(src), `HEAD:refs/heads/${BRANCH}`);
  dg.git('push', '--quiet', gitlab.projects.cloneUrl(rpms), `HEAD:refs/heads/${BRANCH}`);
  sg.git('checkout', '--quiet', '-b', 'fix');
  const head = sg.write('src/hello.c', 'int main(void) {\n  return 1;\n}\n').commit('Return 1');
  sg.git('push', '--quiet', gitlab.projects.cloneUrl(src), 'fix');

  const settings: StreamSettings = {
    gitlab: { url: gitlab.url, token: gitlab.token, instanceUrl: 'https://gitlab.com' },
    forkNamespace: 'packflow-bot',
    workDir: join(dir, 'work'),
    gitIdentity: { name: 'packflow', email: 'packflow@example.com' },
    dashboardUrl: 'http://dashboard.test',
  };
  const repository = new StreamRepository(db.pool());
  const forge = new GitlabForge({ host: gitlab.url, token: gitlab.token });
  const sync = new SyncActivities({
    forge,
    repository,
    workspace: new GitWorkspace(settings.workDir, gitlab.token),
    settings,
    logger,
  });
  const project = {
    forge: 'gitlab',
    instanceUrl: 'https://gitlab.com',
    namespace: 'redhat/centos-stream/src',
    repo: pkg,
  };
  const projectId = await repository.projectId(project);
  const distGitProjectId = await repository.projectId({ ...project, namespace: 'redhat/centos-stream/rpms' });
  const { rows } = await db.pool().query<{ id: string }>(
    `with r as (insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '7') returning id)
     insert into shared.commits (project_id, ref_id, sha) select $1, r.id, $2 from r returning id::text`,
    [projectId, head],
  );
  const pair = await repository.savePair({
    sourceGitProjectId: projectId,
    sourceGitMr: '7',
    distGitProjectId,
    targetBranch: BRANCH,
    forkBranch: 'source-git-mr-7',
  });
  const options: SyncOptions = {
    pairId: pair.id,
    sourceGit: { path: src, sourceProject: src, sourceBranch: 'fix', mr: 7, url: null, title: 'Return 1' },
    distGit: { path: rpms, branch: BRANCH },
    forkBranch: 'source-git-mr-7',
  };
  const activities: EngineActivities = {
    jobs: {
      sync_convert: sync.convert(),
      sync_push: sync.push(),
      sync_merge_request: sync.mergeRequest(),
      sync_ci: sync.ci(),
    },
  };
  return { pkg, src, rpms, sg, head, settings, sync, activities, options, projectId, commitId: rows[0].id };
}

const engineWith = (activities: EngineActivities): PipelineEngine =>
  createEngine({ db: db.pool(), kinds: STREAM_KINDS, activities, logger });

const start = (engine: PipelineEngine) =>
  engine.start(syncPlan(world.options), {
    projectId: world.projectId,
    commitId: world.commitId,
    trigger: 'pull_request',
  });

/** Each step's status, by job. */
async function statuses(pipelineId: string, engine: PipelineEngine): Promise<Record<string, string>> {
  const state = await engine.getState(pipelineId);
  return Object.fromEntries(state.steps.map((s) => [s.job, s.targets[0].status]));
}

const distGitMrs = () => gitlab.projects.mergeRequests.filter((m) => m.project === world.rpms);
const links = () =>
  gitlab.notes.filter((n) => n.body.includes(LINK_MARKER) && [world.src, world.rpms].includes(n.project));

beforeEach(async () => {
  world = await setUp();
});

describe('the sync pipeline', () => {
  it('converts, pushes to the fork, opens the dist-git merge request with both links and waits for its CI', async () => {
    const engine = engineWith(world.activities);
    const pipelineId = await start(engine);
    expect(await statuses(pipelineId, engine)).toEqual({
      sync_convert: 'success',
      sync_push: 'success',
      sync_merge_request: 'success',
      sync_ci: 'queued',
    });
    expect(distGitMrs()).toMatchObject([{ iid: 1, sourceProject: `packflow-bot/${world.pkg}`, state: 'opened' }]);
    expect(links()).toHaveLength(2);
    const { rows } = await db
      .pool()
      .query(`select dist_git_mr, source_git_sha, state from stream.mr_pairs where id = $1`, [world.options.pairId]);
    expect(rows).toEqual([{ dist_git_mr: '1', source_git_sha: world.head, state: 'open' }]);
  });

  it('a result lost after the work was done: the reconciler of another process polls, finds the work, and goes on', async () => {
    // The first process converts, then dies before the result is applied: the convert
    // target is left queued with its external id (the commit), as recordSubmitted left it.
    const convert = world.activities.jobs.sync_convert!;
    const crashing = engineWith({
      jobs: {
        ...world.activities.jobs,
        sync_convert: {
          ...convert,
          submit: async (tasks) => (await convert.submit(tasks)).map(({ done: _lost, ...rest }) => rest),
        },
      },
    });
    const pipelineId = await start(crashing);
    expect(await statuses(pipelineId, crashing)).toMatchObject({ sync_convert: 'queued', sync_push: 'pending' });
    await db.pool().query(`update stream.sync_steps set deadline_at = now() where status = 'queued'`);

    const engine = engineWith(world.activities);
    await engine.reconcile();
    await waitFor(async () => (await statuses(pipelineId, engine)).sync_merge_request === 'success', {
      what: 'the sync to go on',
    });
    expect(distGitMrs()).toHaveLength(1);
  });

  it('a work tree gone before the push: the push converts again, to the same commit', async () => {
    const push = world.activities.jobs.sync_push!;
    const engine = engineWith({
      jobs: {
        ...world.activities.jobs,
        sync_push: {
          ...push,
          submit: async (tasks) => {
            rmSync(world.settings.workDir, { recursive: true, force: true });
            return push.submit(tasks);
          },
        },
      },
    });
    const pipelineId = await start(engine);
    const state = await engine.getState(pipelineId);
    const converted = state.steps.find((s) => s.job === 'sync_convert')!.targets[0].data!.distGitSha;
    expect(state.steps.find((s) => s.job === 'sync_push')!.targets[0]).toMatchObject({
      status: 'success',
      data: expect.objectContaining({ distGitSha: converted }),
    });
    const fork = gitlab.projects.get(`packflow-bot/${world.pkg}`)!;
    expect(await gitlab.projects.branchHead(fork.path, 'source-git-mr-7')).toBe(converted);
  });

  it('the merge request step run twice (a retry after a crash) finds its merge request and its notes', async () => {
    const engine = engineWith(world.activities);
    const pipelineId = await start(engine);
    const state = await engine.getState(pipelineId);
    const step = state.steps.find((s) => s.job === 'sync_merge_request')!;
    const task = {
      pipelineId,
      pipeline: { id: pipelineId, project: state.project, ref: state.ref, commitSha: state.commitSha },
      stepId: step.id,
      job: step.job,
      package: null,
      identifier: null,
      options: step.options ?? {},
      target: step.targets[0],
      idempotencyKey: step.targets[0].idempotencyKey!,
      inputs: state.steps.find((s) => s.job === 'sync_push')!.targets,
      next: [],
    };
    const [again] = await world.activities.jobs.sync_merge_request!.submit([task]);
    expect(again).toMatchObject({ externalId: `${world.rpms}!1`, done: { state: 'success' } });
    expect(distGitMrs()).toHaveLength(1);
    expect(links()).toHaveLength(2);
  });

  it('a sync again (/packit build) after someone closed the dist-git merge request reopens that one, opening no other', async () => {
    const engine = engineWith(world.activities);
    const first = await start(engine);
    gitlab.projects.mergeRequest(world.rpms, 1)!.state = 'closed';
    const again = await engine.rerunPipeline(first);
    expect(await statuses(again, engine)).toMatchObject({ sync_convert: 'success', sync_merge_request: 'success' });
    expect(distGitMrs()).toMatchObject([{ iid: 1, state: 'opened' }]);
    expect(links()).toHaveLength(2);
  });

  it('a change that cannot be converted fails the convert step with the reason, and nothing is pushed', async () => {
    world.sg.write('.distro/hello.spec', 'Name: hello\nVersion: 1.0\nRelease: 1\n').commit('Break the spec');
    world.head = world.sg.git('rev-parse', 'HEAD').trim();
    world.sg.git('push', '--quiet', '--force', gitlab.projects.cloneUrl(world.src), 'fix');
    await db.pool().query(`update shared.commits set sha = $2 where id = $1`, [world.commitId, world.head]);
    const engine = engineWith(world.activities);
    const pipelineId = await start(engine);
    const state = await engine.getState(pipelineId);
    expect(state.steps.find((s) => s.job === 'sync_convert')!.targets[0]).toMatchObject({
      status: 'failure',
      reason: expect.stringContaining('%prep'),
    });
    expect(await statuses(pipelineId, engine)).toMatchObject({ sync_push: 'skipped', sync_merge_request: 'skipped' });
    expect(distGitMrs()).toHaveLength(0);
  });
});

describe('KCIDB results for the dist-git commit of a sync', () => {
  /** Stores a submission as the web's submit does and loads it; the outbox row it leaves, as the stream worker receives it. */
  async function load(report: unknown) {
    const id = crypto.randomUUID();
    await db
      .pool()
      .query(`insert into shared.kcidb_submissions (id, origins, report) values ($1, '{myci}', $2)`, [
        id,
        JSON.stringify(report),
      ]);
    expect(await new KcidbSubmissionProcessor(db.pool(), logger).processSubmission(id)).toMatchObject({ loaded: true });
    const { rows } = await db
      .pool()
      .query<{ subject: string; payload: unknown }>(`select subject, payload from shared.outbox where msg_id = $1`, [
        `kcidb-loaded-${id}`,
      ]);
    return rows.map((r) => validateStreamMessage(r.subject, r.payload));
  }

  const report = (sha: string, pkg: string, tests: { id: string; status: string | null }[]) => ({
    version: { major: 5, minor: 3 },
    checkouts: [{ id: `myci:${pkg}`, origin: 'myci', git_commit_hash: sha }],
    builds: [{ id: `myci:${pkg}:b`, origin: 'myci', checkout_id: `myci:${pkg}`, status: 'PASS' }],
    tests: tests.map((t) => ({
      id: `myci:${pkg}:${t.id}`,
      origin: 'myci',
      build_id: `myci:${pkg}:b`,
      path: t.id,
      ...(t.status ? { status: t.status } : {}),
      log_url: `https://ci.example/${t.id}`,
    })),
  });

  it('are reported on the source-git commit as one status of their origin, updated by a later submission and not posted again on a redelivery', async () => {
    const engine = engineWith(world.activities);
    const pipelineId = await start(engine);
    const ci = (await engine.getState(pipelineId)).steps.find((s) => s.job === 'sync_ci')!.targets[0];
    const distGitSha = ci.externalId!.split('@')[1]!;
    const reporter = new KcidbReporter(
      new StreamRepository(db.pool()),
      new GitlabForge({ host: gitlab.url, token: gitlab.token }),
      logger,
    );

    const [loaded] = await load(
      report(distGitSha, world.pkg, [
        { id: 'rpminspect', status: 'PASS' },
        { id: 'tier1', status: null },
      ]),
    );
    expect(loaded).toMatchObject({ type: 'kcidb.loaded', commits: [distGitSha] });
    if (loaded?.type !== 'kcidb.loaded') throw new Error('not a kcidb.loaded message');
    await reporter.loaded(loaded);
    expect(gitlab.status(world.src, world.head, 'kcidb: myci')).toMatchObject({
      status: 'running',
      description: '1 build: 1 PASS; 2 tests: 1 PASS, 1 running',
      targetUrl: 'https://ci.example/rpminspect',
    });

    // The unfinished test passes and another one fails, in a later submission: the status is updated.
    const [later] = await load(
      report(distGitSha, world.pkg, [
        { id: 'tier1', status: 'PASS' },
        { id: 'tier2', status: 'FAIL' },
      ]),
    );
    if (later?.type !== 'kcidb.loaded') throw new Error('not a kcidb.loaded message');
    await reporter.loaded(later);
    await reporter.loaded(later);
    const reported = gitlab.statusesFor(world.src, world.head).filter((st) => st.name === 'kcidb: myci');
    expect(reported).toHaveLength(1);
    expect(reported[0]).toMatchObject({
      status: 'failed',
      description: '1 build: 1 PASS; 3 tests: 1 FAIL, 2 PASS',
      targetUrl: 'https://ci.example/tier2',
      history: [expect.objectContaining({ status: 'running' }), expect.objectContaining({ status: 'failed' })],
    });

    // A submission about a commit no sync pushed announces it, and nothing is reported.
    const [other] = await load(report('f'.repeat(40), `${world.pkg}-other`, [{ id: 'tier0', status: 'FAIL' }]));
    if (other?.type !== 'kcidb.loaded') throw new Error('not a kcidb.loaded message');
    await reporter.loaded(other);
    expect(gitlab.statusesFor(world.src).filter((st) => st.name.startsWith('kcidb:'))).toHaveLength(1);
  });
});
