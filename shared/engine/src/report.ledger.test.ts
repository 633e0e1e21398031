// Regression test for "a check run stayed in_progress for good after a crash": a report
// that never went out (the worker died, the forge failed) must not be covered by a later
// report of other targets of the same pipeline. Only a report of the whole pipeline (the
// reconciler's) may move the ledger past a gap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { Plan } from '@packflow/config';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { UPSTREAM_KINDS } from '@packflow/upstream';
import { createEngine } from './pipeline.engine.js';
import { FakeActivities } from './testing/fake-activities.js';

const plan: Plan = {
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
      targets: ['fedora-41-x86_64'],
      options: {},
    },
  ],
  edges: [{ from: 'srpm_build:hello', to: 'copr_build:hello', target: null }],
  skipped: [],
};

let db: TestDatabase;
let pool: pg.Pool;
let ctx: { projectId: string; commitId: string; trigger: string };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
});
afterAll(() => db.drop());

let repo = 0;
beforeEach(async () => {
  const project = await pool.query(
    `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'packit', $1) returning id::text`,
    [`ledger-${++repo}`],
  );
  const ref = await pool.query(
    `insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '3') returning id::text`,
    [project.rows[0].id],
  );
  const commit = await pool.query(
    `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
    [project.rows[0].id, ref.rows[0].id, '3'.repeat(40)],
  );
  ctx = { projectId: project.rows[0].id, commitId: commit.rows[0].id, trigger: 'pull_request' };
});

describe('the report ledger', () => {
  it('does not let a later report of other targets cover one that never went out; the reconciler sends it', async () => {
    const fake = new FakeActivities();
    const engine = createEngine({ db: pool, kinds: UPSTREAM_KINDS, activities: fake.activities(), reportGraceMs: 0 });
    const id = await engine.start(plan, ctx);
    await engine.idle();
    const srpm = fake.calls[0][0];
    // The SRPM's success is decided; its report fails (the worker dies while sending it).
    fake.failReports = 1;
    await engine.signal({ kind: 'srpm_build', externalId: srpm.target.externalId! }, { state: 'success' });
    await engine.idle();
    // A later change of another target is reported fine.
    const build = fake.calls[1][0];
    await engine.signal(
      { kind: 'copr_build', externalId: build.target.externalId!, target: 'fedora-41-x86_64' },
      { state: 'started' },
    );
    await engine.idle();
    expect(
      fake.reports
        .filter((r) => r.target.kind === 'srpm_build' && r.target.id === srpm.target.id)
        .map((r) => r.target.status),
    ).not.toContain('success');

    const { rows } = await pool.query(
      'select report_seq > reported_seq as behind from shared.pipelines where id = $1',
      [id],
    );
    expect(rows[0].behind).toBe(true);
    expect((await engine.reconcile()).reported).toBe(1);
    await engine.idle();
    expect(
      fake.reports.filter((r) => r.target.kind === 'srpm_build' && r.target.id === srpm.target.id).at(-1)!.target
        .status,
    ).toBe('success');
    expect((await engine.reconcile()).reported).toBe(0);
  });
});
