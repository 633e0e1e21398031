import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  seedPipelineScenario,
  testNatsUrl,
  type SeededScenario,
  type TestDatabase,
} from '@packflow/testing';
import { startWeb } from '../index.js';

// The /api/v1 read routes against a real PostgreSQL holding the seeded pipelines (a pull
// request pipeline and its rerun), and a second project so answers must filter.
let db: TestDatabase;
let web: RunningService;
let s: SeededScenario;
let other: SeededScenario;
let api: string;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedPipelineScenario(db.pool());
  other = await seedPipelineScenario(db.pool(), { repo: 'other' });
  web = await startWeb({
    env: { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), WEB_PORT: '0' },
    logger: createLogger({ name: 'web-api-test', level: 'silent', pretty: false }),
  });
  api = `${web.url}/api/v1`;
});
afterAll(async () => {
  await web?.close();
  await db.drop();
});

type Json = Record<string, unknown> & { items: Record<string, unknown>[]; next: string | null };

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${api}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as Json };
}

const ids = (body: Json) => body.items.map((x) => x.id);

describe('projects', () => {
  it('lists and searches projects by forge, namespace and name', async () => {
    expect(ids((await get('/projects')).body)).toEqual([s.projectId, other.projectId]);
    expect(ids((await get('/projects?forge=github&namespace=PACKIT&name=hello')).body)).toEqual([s.projectId]);
    expect((await get('/projects?forge=gitlab')).body).toEqual({ items: [], next: null });
  });

  it('pages by cursor', async () => {
    const first = await get('/projects?limit=1');
    expect(first.body).toEqual({ items: [expect.objectContaining({ id: s.projectId })], next: s.projectId });
    const second = await get(`/projects?limit=1&cursor=${first.body.next}`);
    expect(ids(second.body)).toEqual([other.projectId]);
    expect(second.body.next).toBeNull();
  });

  it('answers one project, its pipelines and its events', async () => {
    expect((await get(`/projects/${s.projectId}`)).body).toEqual({
      id: s.projectId,
      forge: 'github',
      instanceUrl: 'https://github.com',
      namespace: 'packit',
      repo: 'hello-world',
    });
    const pipelines = await get(`/projects/${s.projectId}/pipelines`);
    expect(ids(pipelines.body)).toEqual([s.rerunPipelineId, s.pipelineId]);
    expect(pipelines.body.items[0]).toMatchObject({ rerunOf: s.pipelineId, ref: { kind: 'pull_request', name: '42' } });
    const page = await get(`/projects/${s.projectId}/pipelines?limit=1&cursor=${s.rerunPipelineId}`);
    expect(page.body).toEqual({ items: [expect.objectContaining({ id: s.pipelineId })], next: null });
    expect(ids((await get(`/projects/${s.projectId}/events`)).body)).toEqual([s.rerunEventId, s.eventId]);
    expect((await get(`/projects/${s.projectId}/events?limit=1`)).body.next).toBe(s.rerunEventId);
  });

  it('answers 404 with the one error body for a missing project, and its lists', async () => {
    for (const path of ['/projects/999999', '/projects/999999/pipelines', '/projects/999999/events']) {
      const { status, body } = await get(path);
      expect({ path, status, body }).toEqual({
        path,
        status: 404,
        body: { code: 'not_found', message: 'project 999999 does not exist' },
      });
    }
  });
});

describe('events', () => {
  it('answers an event with its project, and the pipelines it started', async () => {
    expect((await get(`/events/${s.rerunEventId}`)).body).toMatchObject({
      id: s.rerunEventId,
      type: 'issue_comment.created',
      project: { id: s.projectId, repo: 'hello-world' },
    });
    const pipelines = await get(`/events/${s.rerunEventId}/pipelines`);
    expect(pipelines.body).toEqual({
      items: [expect.objectContaining({ id: s.rerunPipelineId, rerunKind: 'failed' })],
      next: null,
    });
    expect((await get(`/events/${s.eventId}/pipelines?limit=1`)).body).toEqual({
      items: [expect.objectContaining({ id: s.pipelineId })],
      next: null,
    });
  });

  it('answers 404 for a missing event', async () => {
    expect(await get('/events/999999')).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await get('/events/999999/pipelines')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('pipelines and steps', () => {
  it('answers the whole workflow of a pipeline', async () => {
    const { status, body } = await get(`/pipelines/${s.rerunPipelineId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: s.rerunPipelineId, rerunOf: s.pipelineId, rerunChain: [s.pipelineId] });
    const steps = body.steps as { job: string; targets: Record<string, unknown>[] }[];
    expect(steps.map((x) => x.job)).toEqual(['srpm_build', 'copr_build', 'tests']);
    expect(steps[1].targets.find((t) => t.target === s.redoneChroot)).toMatchObject({
      attempt: 2,
      status: 'success',
      reused: false,
    });
    expect((body.edges as { target: string | null }[]).filter((e) => e.target !== null)).toHaveLength(6);
  });

  it('tags answers so polling a pipeline that did not change costs no body', async () => {
    const first = await get(`/pipelines/${s.pipelineId}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await get(`/pipelines/${s.pipelineId}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    await db.pool().query(`update shared.pipelines set status = 'running' where id = $1`, [s.pipelineId]);
    try {
      const changed = await get(`/pipelines/${s.pipelineId}`, { 'if-none-match': etag });
      expect(changed.status).toBe(200);
      expect(changed.body.status).toBe('running');
      expect(changed.headers.get('etag')).not.toBe(etag);
    } finally {
      await db.pool().query(`update shared.pipelines set status = 'failure' where id = $1`, [s.pipelineId]);
    }
  });

  it('answers a step with its neighbours, group, pipeline, event and project', async () => {
    const { body } = await get(`/steps/${s.rerunSteps.copr}`);
    expect(body).toMatchObject({
      step: { id: s.rerunSteps.copr, job: 'copr_build' },
      pipeline: { id: s.rerunPipelineId },
      event: { id: s.rerunEventId },
      project: { id: s.projectId },
      previous: [expect.objectContaining({ id: s.rerunSteps.srpm })],
      next: [expect.objectContaining({ id: s.rerunSteps.tests })],
      group: { kind: 'copr_build', id: s.coprBuildId },
    });
  });

  it('answers 404 for a missing pipeline or step', async () => {
    expect(await get('/pipelines/999999')).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: 'pipeline 999999 does not exist' },
    });
    expect(await get('/steps/999999')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('bad requests', () => {
  it.each([
    ['/pipelines/abc', '/id'],
    ['/steps/-1', '/id'],
    ['/projects/0', '/id'],
    ['/projects?limit=0', '/limit'],
    ['/projects?limit=ten', '/limit'],
    ['/projects?cursor=x', '/cursor'],
    [`/projects/1/pipelines?cursor=1;drop`, '/cursor'],
    ['/projects?name=a&name=b', '/name'],
  ])('%s is a 400 naming %s', async (path, pointer) => {
    const { status, body } = await get(path);
    expect(status).toBe(400);
    expect(body).toMatchObject({ code: 'validation_failed', errors: [{ pointer }] });
  });

  it('caps the page size', async () => {
    const { status, body } = await get('/projects?limit=100000');
    expect(status).toBe(200);
    expect(ids(body)).toHaveLength(2);
  });

  it('answers an unknown API route 404 with the one error body, not the dashboard', async () => {
    expect(await get('/nothing-here')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('says it is no sandbox unless pnpm start runs one (PACKFLOW_SANDBOX)', async () => {
    expect(await get('/about')).toMatchObject({ status: 200, body: { sandbox: false } });
  });
});

describe('the OpenAPI document', () => {
  it('describes every route with its schemas', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const paths = body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths).sort()).toEqual(
      [
        '/healthz',
        '/readyz',
        '/metrics',
        '/api/kcidb/status',
        '/api/kcidb/submit',
        '/api/v1/about',
        '/api/v1/auth/sign-out',
        '/api/v1/auth/{forge}/callback',
        '/api/v1/auth/{forge}/sign-in',
        '/api/v1/events/{id}',
        '/api/v1/events/{id}/pipelines',
        '/api/v1/kcidb/hardware',
        '/api/v1/kcidb/hardware/results',
        '/api/v1/kcidb/path-rollup',
        '/api/v1/kcidb/revision',
        '/api/v1/kcidb/test-history',
        '/api/v1/kcidb/trees',
        '/api/v1/me',
        '/api/v1/pipelines/{id}',
        '/api/v1/pipelines/{id}/permissions',
        '/api/v1/pipelines/{id}/reruns',
        '/api/v1/plan',
        '/api/v1/projects',
        '/api/v1/projects/{id}',
        '/api/v1/projects/{id}/events',
        '/api/v1/projects/{id}/pipelines',
        '/api/v1/steps/{id}',
      ].sort(),
    );
    expect(paths['/api/v1/pipelines/{id}'].get.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/PipelineDto' } } },
    });
    expect(paths['/api/v1/pipelines/{id}'].get.responses['404']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
    });
    expect(Object.keys(paths['/api/v1/pipelines/{id}/reruns'].post.responses).sort()).toEqual(
      ['201', '400', '401', '403', '404', '409', '503'].sort(),
    );
    expect(paths['/api/v1/me'].get.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/MeDto' } } },
    });
    expect(paths['/api/v1/plan'].post.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/PlanDto' } } },
    });
    const schemas = (body.components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas;
    expect(Object.keys(schemas.PipelineDto.properties)).toEqual(
      expect.arrayContaining(['steps', 'edges', 'rerunOf', 'reruns', 'project', 'event']),
    );
    expect(Object.keys(schemas.TargetDto.properties)).toEqual(
      expect.arrayContaining(['status', 'attempt', 'startedAt', 'finishedAt', 'webUrl', 'logUrl', 'reason']),
    );
  });
});
