// The engine tests' common ground: a database of their own, a project with a pull request
// ref and a commit per test, fake activities, an engine on them, and the plan of an SRPM
// build, Copr chroots and a test per chroot. `engineFixture()` registers the jest hooks
// and hands back one object whose fields each test (re)sets.
import { afterAll, beforeAll, beforeEach } from '@jest/globals';
import type pg from 'pg';
import type { Plan } from '@packflow/config';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { UPSTREAM_KINDS } from '@packflow/upstream';
import type { EngineOptions } from '../engine.options.js';
import { createEngine, type PipelineEngine } from '../pipeline.engine.js';
import type { EngineActivities, PipelineState } from '../engine.types.js';
import { FakeActivities } from './fake-activities.js';

export const CHROOTS = ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-rawhide-x86_64'];

export function buildAndTestPlan(chroots = CHROOTS): Plan {
  return {
    steps: [
      {
        id: 'srpm_build:hello',
        package: 'hello',
        job: 'srpm_build',
        identifier: null,
        trigger: 'pull_request',
        targets: ['srpm-builds'],
        options: {},
      },
      {
        id: 'copr_build:hello',
        package: 'hello',
        job: 'copr_build',
        identifier: null,
        trigger: 'pull_request',
        targets: chroots,
        options: { owner: 'packit' },
      },
      {
        id: 'tests:hello',
        package: 'hello',
        job: 'tests',
        identifier: null,
        trigger: 'pull_request',
        targets: chroots,
        options: {},
      },
    ],
    edges: [
      { from: 'srpm_build:hello', to: 'copr_build:hello', target: null },
      ...chroots.map((c) => ({ from: 'copr_build:hello', to: 'tests:hello', target: c })),
    ],
    skipped: [],
  };
}

export interface EngineFixture {
  pool: pg.Pool;
  fake: FakeActivities;
  /** An engine on `fake`'s activities (tests replace it with one of other options). */
  engine: PipelineEngine;
  /** The test's project, its pull request ref and first commit. */
  ctx: { projectId: string; commitId: string; trigger: string };
  refId: string;
  /** Another commit on the test's pull request. */
  newCommit(sha: string): Promise<string>;
  /** An engine on the test database with the upstream ecosystem's item kinds. */
  newEngine(activities: EngineActivities, options?: Omit<EngineOptions, 'db' | 'kinds' | 'activities'>): PipelineEngine;
  /** The pipeline's status, each step's targets' statuses by job and target, and its state. */
  statusOf(pipelineId: string): Promise<{
    pipeline: string;
    steps: Record<string, Record<string, string>>;
    state: PipelineState;
  }>;
  /** Starts `plan` and drives it to the point where every Copr chroot has been submitted. */
  startAndBuildSrpm(plan?: Plan): Promise<{ id: string; coprId: string }>;
}

export function engineFixture(): EngineFixture {
  let db: TestDatabase;
  let repo = 0;
  const f = {
    newEngine: (activities, options = {}) =>
      createEngine({ db: f.pool, kinds: UPSTREAM_KINDS, activities, ...options }),
    async newCommit(sha) {
      const { rows } = await f.pool.query(
        `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
        [f.ctx.projectId, f.refId, sha],
      );
      return rows[0].id;
    },
    async statusOf(pipelineId) {
      const state = await f.engine.getState(pipelineId);
      return {
        pipeline: state.status,
        steps: Object.fromEntries(
          state.steps.map((s) => [s.job, Object.fromEntries(s.targets.map((t) => [t.target, t.status]))]),
        ),
        state,
      };
    },
    async startAndBuildSrpm(plan = buildAndTestPlan()) {
      const id = await f.engine.start(plan, f.ctx);
      const srpm = f.fake.calls[0][0];
      await f.engine.signal({ kind: 'srpm_build', externalId: srpm.target.externalId! }, { state: 'success' });
      return { id, coprId: f.fake.calls[1][0].target.externalId! };
    },
  } as EngineFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    f.pool = db.pool();
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    const project = await f.pool.query(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1) returning id::text`,
      [`hello-${++repo}`],
    );
    const projectId = project.rows[0].id;
    f.refId = (
      await f.pool.query(
        `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '7') returning id::text`,
        [projectId],
      )
    ).rows[0].id;
    f.ctx = { projectId, commitId: '', trigger: 'pull_request' };
    f.ctx.commitId = await f.newCommit('1'.repeat(40));
    f.fake = new FakeActivities();
    f.engine = f.newEngine(f.fake.activities());
  });
  return f;
}
