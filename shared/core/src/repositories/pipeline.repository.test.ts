import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import {
  countingSql,
  createTestDatabase,
  seedPipelineScenario,
  type SeededScenario,
  type TestDatabase,
} from '@packflow/testing';
import { ITEM_KINDS } from '@packflow/ecosystems';
import { EventRepository } from './event.repository.js';
import { PipelineRepository } from './pipeline.repository.js';
import { ProjectRepository } from './project.repository.js';

let db: TestDatabase;
let pool: pg.Pool;
let s: SeededScenario;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  s = await seedPipelineScenario(pool);
  // A second project, so queries must filter rather than return everything.
  await seedPipelineScenario(pool, { repo: 'other' });
});
afterAll(() => db.drop());

/** Runs a repository call on a counting connection and checks it issued one statement. */
async function oneStatement<T>(
  call: (pipelines: PipelineRepository, events: EventRepository, projects: ProjectRepository) => Promise<T>,
): Promise<T> {
  const sql = countingSql(pool);
  const result = await call(
    new PipelineRepository(sql, ITEM_KINDS),
    new EventRepository(sql),
    new ProjectRepository(sql),
  );
  expect(sql.count).toBe(1);
  return result;
}

describe('PipelineRepository', () => {
  it('use case 1: shows a whole pipeline with its steps, targets, edges and history', async () => {
    const view = (await oneStatement((p) => p.getView(s.pipelineId)))!;
    expect(view).toMatchObject({
      id: s.pipelineId,
      status: 'failure',
      trigger: 'pull_request',
      commitSha: 'a'.repeat(40),
    });
    expect(view.ref).toEqual({ kind: 'pull_request', name: '42' });
    expect(view.project).toMatchObject({ forge: 'github', namespace: 'packit', repo: 'hello-world' });
    expect(view.event).toMatchObject({ id: s.eventId, type: 'pull_request.opened' });
    expect(view.steps.map((st) => st.job)).toEqual(['srpm_build', 'copr_build', 'tests']);
    const [srpm, copr, tests] = view.steps;
    expect(srpm.targets).toHaveLength(1);
    expect(copr.targets).toHaveLength(6);
    expect(tests.targets).toHaveLength(6);
    expect(copr.targets.filter((t) => t.status === 'failure').map((t) => t.target)).toEqual([s.redoneChroot]);
    expect(tests.targets.find((t) => t.target === s.redoneChroot)).toMatchObject({
      status: 'skipped',
      reason: `build ${s.redoneChroot} failed`,
    });
    expect(view.edges).toHaveLength(7);
    expect(view.edges.filter((e) => e.target !== null).every((e) => e.from === copr.id && e.to === tests.id)).toBe(
      true,
    );
    expect(view.reruns).toEqual([s.rerunPipelineId]);
    expect(view.rerunChain).toEqual([]);
    expect(copr.targets.every((t) => t.reused === false)).toBe(true);
  });

  it('use case 1 prints steps and targets with their keys in the order jsonb gives them', async () => {
    // The view once merged jsonb objects; it builds json now, and its text must not change.
    const view = (await new PipelineRepository(pool, ITEM_KINDS).getView(s.pipelineId))!;
    const { rows } = await pool.query<{ steps: unknown }>('select $1::jsonb as steps', [JSON.stringify(view.steps)]);
    expect(view.steps.some((st) => st.targets.length > 0)).toBe(true);
    expect(JSON.stringify(view.steps)).toBe(JSON.stringify(rows[0].steps));
  });

  it('use case 1 on the rerun: shared items are the same rows, the redone chroot is a new attempt', async () => {
    const view = (await oneStatement((p) => p.getView(s.rerunPipelineId)))!;
    expect(view.rerunOf).toBe(s.pipelineId);
    expect(view.rerunChain).toEqual([s.pipelineId]);
    const [srpm, copr, tests] = view.steps;
    expect(srpm.targets[0]).toMatchObject({ id: s.srpmBuildId, reused: true });
    expect(copr.targets).toHaveLength(6);
    const redone = copr.targets.find((t) => t.target === s.redoneChroot)!;
    expect(redone).toMatchObject({ id: s.redoneCoprTargetId, attempt: 2, status: 'success', reused: false });
    const reused = copr.targets.filter((t) => t.target !== s.redoneChroot);
    expect(reused.map((t) => t.id).sort()).toEqual(
      Object.entries(s.coprTargets)
        .filter(([c]) => c !== s.redoneChroot)
        .map(([, id]) => id)
        .sort(),
    );
    expect(reused.every((t) => t.reused && t.groupId === s.coprBuildId)).toBe(true);
    expect(tests.targets.find((t) => t.target === s.redoneChroot)).toMatchObject({
      id: s.redoneTestTargetId,
      attempt: 2,
    });
  });

  it('use case 2: a step with previous and next steps and every target of its group', async () => {
    const n = (await oneStatement((p) => p.getStepNeighbourhood(s.rerunSteps.copr)))!;
    expect(n.step).toMatchObject({ id: s.rerunSteps.copr, job: 'copr_build', rerunOf: s.steps.copr });
    expect(n.previous.map((x) => x.id)).toEqual([s.rerunSteps.srpm]);
    expect(n.next.map((x) => x.id)).toEqual([s.rerunSteps.tests]);
    expect(n.group).toMatchObject({ kind: 'copr_build', id: s.coprBuildId });
    // The group holds both attempts of the redone chroot: 6 + 1.
    expect(n.group!.targets).toHaveLength(7);
    expect(n.group!.targets.filter((t) => t.target === s.redoneChroot).map((t) => t.attempt)).toEqual([1, 2]);
    // Its pipeline, event and project come in the same statement.
    expect(n.pipeline).toMatchObject({ id: s.rerunPipelineId, rerunOf: s.pipelineId });
    expect(n.event).toMatchObject({ id: s.rerunEventId, type: 'issue_comment.created' });
    expect(n.project).toMatchObject({ id: s.projectId, repo: 'hello-world' });
  });

  it('use case 2 prints the step, its targets and its neighbours with their keys in the order jsonb gives them', async () => {
    // The statement once merged jsonb objects; it builds json now, and its text must not change.
    const n = (await new PipelineRepository(pool, ITEM_KINDS).getStepNeighbourhood(s.rerunSteps.copr))!;
    const parts = [n.step, n.previous, n.next].map((part) => JSON.stringify(part));
    const { rows } = await pool.query<{ step: unknown; previous: unknown; next: unknown }>(
      'select $1::jsonb as step, $2::jsonb as previous, $3::jsonb as next',
      parts,
    );
    expect(n.step.targets.length).toBeGreaterThan(0);
    expect(parts).toEqual([rows[0].step, rows[0].previous, rows[0].next].map((part) => JSON.stringify(part)));
  });

  it('use case 2 for a step without a group yields null', async () => {
    const n = (await oneStatement((p) => p.getStepNeighbourhood(s.steps.srpm)))!;
    expect(n.previous).toEqual([]);
    expect(n.next.map((x) => x.job)).toEqual(['copr_build']);
    expect(n.group).toMatchObject({ kind: 'srpm_build', id: s.srpmBuildId });
    expect(n.group!.targets).toHaveLength(1);
  });

  it('use case 6: a project pipelines, newest first, in pages', async () => {
    const first = (await oneStatement((p) => p.listForProject(s.projectId, { limit: 1 })))!;
    expect(first.items.map((x) => x.id)).toEqual([s.rerunPipelineId]);
    expect(first.next).toBe(s.rerunPipelineId);
    const second = (await oneStatement((p) => p.listForProject(s.projectId, { limit: 1, before: first.next! })))!;
    expect(second.items.map((x) => x.id)).toEqual([s.pipelineId]);
    expect(second.next).toBeNull();
  });

  it('use case 6: pages are stable when pipelines are added meanwhile, and a missing project is null', async () => {
    const first = (await oneStatement((p) => p.listForProject(s.projectId, { limit: 1 })))!;
    const added = await pool.query<{ id: string }>(
      `insert into shared.pipelines (project_id, commit_id, trigger) values ($1, $2, 'pull_request') returning id`,
      [s.projectId, s.commitId],
    );
    try {
      const second = (await oneStatement((p) => p.listForProject(s.projectId, { limit: 1, before: first.next! })))!;
      expect(second.items.map((x) => x.id)).toEqual([s.pipelineId]);
    } finally {
      await pool.query('delete from shared.pipelines where id = $1', [added.rows[0].id]);
    }
    expect(await oneStatement((p) => p.listForProject('999999'))).toBeNull();
    expect(await oneStatement((p) => p.listForProject(s.projectId, { limit: 100_000 }))).toMatchObject({
      next: null,
    });
  });

  it('use case 8: the pipelines of an event', async () => {
    const list = (await oneStatement((p) => p.listForEvent(s.rerunEventId)))!.items;
    expect(list.map((x) => x.id)).toEqual([s.rerunPipelineId]);
    expect(await oneStatement((p) => p.listForEvent('999999'))).toBeNull();
    expect(list[0]).toMatchObject({ rerunOf: s.pipelineId, rerunKind: 'failed', eventType: 'issue_comment.created' });
  });

  it('use cases 10 and 11: the event and the project of a step', async () => {
    expect(await oneStatement((p) => p.getStepEvent(s.rerunSteps.tests))).toMatchObject({
      id: s.rerunEventId,
      type: 'issue_comment.created',
    });
    expect(await oneStatement((p) => p.getStepProject(s.rerunSteps.tests))).toMatchObject({
      id: s.projectId,
      repo: 'hello-world',
    });
  });

  it('answers null for what does not exist', async () => {
    expect(await oneStatement((p) => p.getView('999999'))).toBeNull();
    expect(await oneStatement((p) => p.getStepNeighbourhood('999999'))).toBeNull();
  });
});

describe('EventRepository', () => {
  it('use case 7: a project events, newest first, in pages', async () => {
    const page = (await oneStatement((_, e) => e.listForProject(s.projectId, { limit: 10 })))!;
    expect(page.items.map((x) => x.id)).toEqual([s.rerunEventId, s.eventId]);
    expect(page.next).toBeNull();
    const first = (await oneStatement((_, e) => e.listForProject(s.projectId, { limit: 1 })))!;
    expect(first).toEqual({ items: [expect.objectContaining({ id: s.rerunEventId })], next: s.rerunEventId });
    expect(await oneStatement((_, e) => e.listForProject('999999'))).toBeNull();
  });

  it('one event with its project', async () => {
    expect(await oneStatement((_, e) => e.getView(s.eventId))).toMatchObject({
      id: s.eventId,
      type: 'pull_request.opened',
      commitSha: 'a'.repeat(40),
      project: { id: s.projectId, namespace: 'packit', repo: 'hello-world' },
    });
    expect(await oneStatement((_, e) => e.getView('999999'))).toBeNull();
  });

  it('use case 9: the project of an event', async () => {
    expect(await oneStatement((_, e) => e.getProject(s.eventId))).toMatchObject({
      id: s.projectId,
      namespace: 'packit',
    });
  });
});

describe('ProjectRepository', () => {
  it('searches by forge, namespace and name, in pages by id', async () => {
    const all = await oneStatement((_, __, pr) => pr.search({ forge: 'github', namespace: 'PACK' }));
    expect(all.items.map((x) => x.repo)).toEqual(['hello-world', 'other']);
    const byName = await oneStatement((_, __, pr) => pr.search({ name: 'oth' }));
    expect(byName.items.map((x) => x.repo)).toEqual(['other']);
    expect((await oneStatement((_, __, pr) => pr.search({ forge: 'gitlab' }))).items).toEqual([]);
    // Wildcards are text: '_' matches only an underscore.
    expect((await oneStatement((_, __, pr) => pr.search({ name: 'hello_world' }))).items).toEqual([]);
    const first = await oneStatement((_, __, pr) => pr.search({ namespace: 'packit', limit: 1 }));
    expect(first).toEqual({ items: [expect.objectContaining({ id: s.projectId })], next: s.projectId });
    const second = await oneStatement((_, __, pr) => pr.search({ namespace: 'packit', limit: 1, after: first.next! }));
    expect(second.items.map((x) => x.repo)).toEqual(['other']);
    expect(second.next).toBeNull();
  });

  it('one project, or null', async () => {
    expect(await oneStatement((_, __, pr) => pr.get(s.projectId))).toMatchObject({
      forge: 'github',
      repo: 'hello-world',
    });
    expect(await oneStatement((_, __, pr) => pr.get('999999'))).toBeNull();
  });
});
