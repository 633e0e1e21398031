import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { ITEM_KINDS } from '@packflow/ecosystems';
import { IntakeRepository, type IntakeEvent } from './intake.repository.js';

let db: TestDatabase;
let pool: pg.Pool;
let repo: IntakeRepository;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = db.pool();
  repo = new IntakeRepository(pool, ITEM_KINDS);
});
afterAll(() => db.drop());

const project = { forge: 'github' as const, instanceUrl: 'https://github.com', namespace: 'acme', repo: 'widget' };
let n = 0;

function pullRequestEvent(overrides: Partial<IntakeEvent> = {}): IntakeEvent {
  n += 1;
  return {
    source: 'github',
    type: 'pull_request.opened',
    deliveryId: `delivery-${n}-${Date.now()}`,
    actor: 'alice',
    ecosystem: 'upstream',
    disposition: 'accepted',
    reason: null,
    project,
    ref: { kind: 'pull_request', name: '7' },
    sha: 'a'.repeat(40),
    payload: { type: 'pull_request.opened', number: 7 },
    outbox: { subject: 'upstream.pull_request.opened', extra: { deliveryId: 'x', ecosystem: 'upstream' } },
    ...overrides,
  };
}

const count = async (table: string, where = 'true', params: unknown[] = []) =>
  Number((await pool.query(`select count(*) from ${table} where ${where}`, params)).rows[0].count);

describe('IntakeRepository.record', () => {
  it('records project, ref, commit, event and outbox message together', async () => {
    const event = pullRequestEvent();
    const outcome = await repo.record(event);
    expect(outcome).toEqual({ status: 'recorded', eventId: expect.stringMatching(/^\d+$/) });
    const { rows } = await pool.query(
      `select e.source, e.type, e.actor, e.ecosystem, e.disposition, e.payload, p.namespace, p.repo, p.forge, r.kind, r.name, c.sha
         from shared.events e join shared.projects p on p.id = e.project_id join shared.project_refs r on r.id = e.ref_id
         join shared.commits c on c.id = e.commit_id where e.id = $1`,
      [outcome.eventId],
    );
    expect(rows[0]).toEqual({
      source: 'github',
      type: 'pull_request.opened',
      actor: 'alice',
      ecosystem: 'upstream',
      disposition: 'accepted',
      payload: { type: 'pull_request.opened', number: 7 },
      namespace: 'acme',
      repo: 'widget',
      forge: 'github',
      kind: 'pull_request',
      name: '7',
      sha: 'a'.repeat(40),
    });
    const outbox = await pool.query('select subject, msg_id, payload from shared.outbox where msg_id = $1', [
      event.deliveryId,
    ]);
    expect(outbox.rows).toEqual([
      {
        subject: 'upstream.pull_request.opened',
        msg_id: event.deliveryId,
        payload: {
          type: 'pull_request.opened',
          number: 7,
          deliveryId: 'x',
          ecosystem: 'upstream',
          eventId: outcome.eventId,
        },
      },
    ]);
  });

  it('reuses the project, ref and commit rows of earlier events', async () => {
    await repo.record(pullRequestEvent());
    await repo.record(pullRequestEvent());
    expect(await count('shared.projects', 'namespace = $1 and repo = $2', ['acme', 'widget'])).toBe(1);
    expect(
      await count('shared.project_refs r join shared.projects p on p.id = r.project_id', 'p.repo = $1', ['widget']),
    ).toBe(1);
    expect(await count('shared.commits', 'sha = $1', ['a'.repeat(40)])).toBe(1);
  });

  it('records a delivery once: the second is a duplicate with no new event or message', async () => {
    const event = pullRequestEvent();
    const first = await repo.record(event);
    const second = await repo.record({ ...event, payload: { changed: true } });
    expect(second).toEqual({ status: 'duplicate', eventId: first.eventId });
    expect(await count('shared.events', 'delivery_id = $1', [event.deliveryId])).toBe(1);
    expect(await count('shared.outbox', 'msg_id = $1', [event.deliveryId])).toBe(1);
  });

  it('records ignored events without an outbox message', async () => {
    const event = pullRequestEvent({
      disposition: 'ignored',
      reason: 'labeled',
      type: 'pull_request.labeled',
      project: null,
      outbox: null,
    });
    const outcome = await repo.record(event);
    expect(outcome.status).toBe('recorded');
    const { rows } = await pool.query('select disposition, reason, project_id from shared.events where id = $1', [
      outcome.eventId,
    ]);
    expect(rows[0]).toEqual({ disposition: 'ignored', reason: 'labeled', project_id: null });
    expect(await count('shared.outbox', 'msg_id = $1', [event.deliveryId])).toBe(0);
  });

  it('creates one project, ref and commit when many deliveries for a new one arrive at once', async () => {
    const fresh = { ...project, repo: `race-${Date.now()}` };
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        repo.record(pullRequestEvent({ project: fresh, deliveryId: `race-${fresh.repo}-${i}` })),
      ),
    );
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
    expect(await count('shared.projects', 'repo = $1', [fresh.repo])).toBe(1);
    const linked = await pool.query(
      `select count(distinct e.commit_id) as commits, count(*) filter (where e.commit_id is null) as unlinked
         from shared.events e join shared.projects p on p.id = e.project_id where p.repo = $1`,
      [fresh.repo],
    );
    expect(linked.rows[0]).toEqual({ commits: '1', unlinked: '0' });
    expect(await count('shared.outbox', 'msg_id like $1', [`race-${fresh.repo}-%`])).toBe(12);
  });

  it('links a result to the ids it was given', async () => {
    const { eventId } = await repo.record(pullRequestEvent());
    const { rows } = await pool.query('select project_id, ref_id, commit_id from shared.events where id = $1', [
      eventId,
    ]);
    const ids = {
      projectId: rows[0].project_id as string,
      refId: rows[0].ref_id as string,
      commitId: rows[0].commit_id as string,
    };
    const result = await repo.record(
      pullRequestEvent({ type: 'copr.build_end', project: null, ref: null, sha: null, ids }),
    );
    const linked = await pool.query('select project_id, ref_id, commit_id from shared.events where id = $1', [
      result.eventId,
    ]);
    expect(linked.rows[0]).toEqual({ project_id: ids.projectId, ref_id: ids.refId, commit_id: ids.commitId });
  });
});

describe('IntakeRepository.recordMany', () => {
  it('records a batch in one statement, in order, each delivery once', async () => {
    const fresh = { ...project, repo: `batch-${Date.now()}` };
    const a = pullRequestEvent({ project: fresh });
    const b = pullRequestEvent({ project: fresh, ref: { kind: 'pull_request', name: '8' }, sha: 'c'.repeat(40) });
    const ignoredOne = pullRequestEvent({ project: null, disposition: 'ignored', reason: 'labeled', outbox: null });
    const outcomes = await repo.recordMany([a, b, { ...a, payload: { again: true } }, ignoredOne]);
    expect(outcomes.map((o) => o.status)).toEqual(['recorded', 'recorded', 'duplicate', 'recorded']);
    expect(outcomes[2].eventId).toBe(outcomes[0].eventId);
    expect(await count('shared.projects', 'repo = $1', [fresh.repo])).toBe(1);
    const refs = await pool.query(
      `select r.name, c.sha from shared.events e join shared.project_refs r on r.id = e.ref_id join shared.commits c on c.id = e.commit_id
        where e.id = any($1::bigint[]) order by e.id`,
      [[outcomes[0].eventId, outcomes[1].eventId]],
    );
    expect(refs.rows).toEqual([
      { name: '7', sha: 'a'.repeat(40) },
      { name: '8', sha: 'c'.repeat(40) },
    ]);
    expect(
      await count('shared.outbox', 'msg_id = any($1::text[])', [[a.deliveryId, b.deliveryId, ignoredOne.deliveryId]]),
    ).toBe(2);
  });

  it('keeps free text with U+0000, which jsonb cannot store, minus that character', async () => {
    const event = pullRequestEvent({ payload: { comment: 'before\u0000after', literal: 'a\\u0000b' } });
    const { eventId } = await repo.record(event);
    const { rows } = await pool.query('select payload from shared.events where id = $1', [eventId]);
    expect(rows[0].payload).toEqual({ comment: 'beforeafter', literal: 'a\\u0000b' });
  });

  it('creates each new project once when overlapping batches arrive at once', async () => {
    const stamp = Date.now();
    const repos = ['x', 'y', 'z'].map((r) => ({ ...project, repo: `overlap-${stamp}-${r}` }));
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 6 }, (_, i) =>
        pullRequestEvent({
          project: repos[(b + i) % 3],
          deliveryId: `overlap-${stamp}-${b}-${i}`,
          sha: `${b}${i}`.padStart(40, 'f'),
        }),
      ),
    );
    const outcomes = (await Promise.all(batches.map((batch) => repo.recordMany(batch)))).flat();
    expect(outcomes.every((o) => o.status === 'recorded')).toBe(true);
    expect(await count('shared.projects', 'repo like $1', [`overlap-${stamp}-%`])).toBe(3);
    expect(
      await count(
        'shared.events e join shared.projects p on p.id = e.project_id',
        'p.repo like $1 and e.commit_id is not null',
        [`overlap-${stamp}-%`],
      ),
    ).toBe(36);
    expect(await count('shared.outbox', 'msg_id like $1', [`overlap-${stamp}-%`])).toBe(36);
  });
});

describe('IntakeRepository result owners', () => {
  let commitId: string;
  let projectId: string;

  beforeAll(async () => {
    const q = async (text: string, params: unknown[] = []) =>
      String((await pool.query(`${text} returning id`, params)).rows[0].id);
    projectId = await q(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'owned')`,
    );
    const refId = await q(`insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '1')`, [
      projectId,
    ]);
    commitId = await q(`insert into shared.commits (project_id, ref_id, sha) values ($1, $2, 'b')`, [projectId, refId]);
    const pipelineId = await q(
      `insert into shared.pipelines (project_id, commit_id, trigger) values ($1, $2, 'pull_request')`,
      [projectId, commitId],
    );
    const step = (key: string) =>
      q(`insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, $2, $2)`, [pipelineId, key]);
    const srpmStep = await step('srpm_build');
    const coprStep = await step('copr_build');
    const testStep = await step('tests');
    const srpm = await q(`insert into upstream.srpm_builds (target, external_id) values ('srpm-builds', '9000')`);
    await pool.query(`insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id) values ($1, $2)`, [
      srpmStep,
      srpm,
    ]);
    const copr = await q(`insert into upstream.copr_builds (srpm_build_id) values ($1)`, [srpm]);
    await pool.query(`insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id) values ($1, $2)`, [
      coprStep,
      copr,
    ]);
    for (const chroot of ['fedora-41-x86_64', 'fedora-42-x86_64']) {
      await q(`insert into upstream.copr_build_targets (copr_build_id, target, external_id) values ($1, $2, '9001')`, [
        copr,
        chroot,
      ]);
    }
    const run = await q(`insert into upstream.test_runs (copr_build_id) values ($1)`, [copr]);
    const tt = await q(
      `insert into upstream.test_run_targets (test_run_id, target, external_id, notification_token_hash) values ($1, 'fedora-41-x86_64', 'req-1', $2)`,
      [run, createHash('sha256').update('tok').digest('hex')],
    );
    // A request Testing Farm took whose id packflow has not recorded yet (token `waiting`).
    const waiting = await q(
      `insert into upstream.test_run_targets (test_run_id, target, notification_token_hash) values ($1, 'fedora-42-x86_64', $2)`,
      [run, createHash('sha256').update('waiting').digest('hex')],
    );
    for (const target of [tt, waiting]) {
      await pool.query(
        `insert into upstream.pipeline_step_test_run_targets (step_id, test_run_target_id) values ($1, $2)`,
        [testStep, target],
      );
    }
    // A Koji build packflow started outside any pipeline: found, but linked to no project.
    const koji = await q(`insert into upstream.koji_builds default values`);
    await q(
      `insert into upstream.koji_build_targets (koji_build_id, target, external_id) values ($1, 'rawhide', '555')`,
      [koji],
    );
  });

  it('finds the pipeline a Copr build belongs to, preferring the chroot of the result', async () => {
    const owner = await repo.findResultOwner('copr_build', '9001', 'fedora-42-x86_64');
    expect(owner).toMatchObject({ ecosystem: 'upstream', projectId, commitId });
    const chroot = await pool.query('select target from upstream.copr_build_targets where id = $1', [owner!.itemId]);
    expect(chroot.rows[0].target).toBe('fedora-42-x86_64');
  });

  it('finds SRPM builds and Koji builds, and nothing for unknown ids', async () => {
    expect(await repo.findResultOwner('srpm_build', '9000')).toMatchObject({
      ecosystem: 'upstream',
      projectId,
      commitId,
    });
    expect(await repo.findResultOwner('koji_build', '555')).toMatchObject({
      ecosystem: 'upstream',
      projectId: null,
      commitId: null,
    });
    expect(await repo.findResultOwner('copr_build', '404')).toBeNull();
    expect(await repo.findResultOwner('srpm_build', '9001')).toBeNull();
  });

  it('finds a Testing Farm request with the hash of its token', async () => {
    const hash = (token: string) => createHash('sha256').update(token).digest('hex');
    expect(await repo.findTestingFarmRequest('req-1', hash('tok'))).toMatchObject({
      ecosystem: 'upstream',
      projectId,
      commitId,
      tokenHash: hash('tok'),
    });
    expect(await repo.findTestingFarmRequest('req-404', hash('tok'))).toBeNull();
    expect(await repo.findTestingFarmRequest('req-404', hash('forged'))).toBeNull();
  });

  it('finds a test target still waiting for its request id by the hash of its token', async () => {
    const hash = createHash('sha256').update('waiting').digest('hex');
    const found = await repo.findTestingFarmRequest('req-2', hash);
    expect(found).toMatchObject({ ecosystem: 'upstream', projectId, commitId, tokenHash: hash });
    const { rows } = await pool.query('select target, external_id from upstream.test_run_targets where id = $1', [
      found!.itemId,
    ]);
    expect(rows).toEqual([{ target: 'fedora-42-x86_64', external_id: null }]);
  });
});
