// The /api/v1 writes against a real PostgreSQL and the fake GitHub: POST /plan (the plan
// of a real config for a real webhook body, and a bad config located by line and column),
// and POST /pipelines/{id}/reruns with its authorization (an API token, then the forge's
// word on the person's permission, as for comment commands).
import { generateKeyPair } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTokenRepository, createLogger } from '@packflow/core';
import { FakeGithub } from '@packflow/forges/testing';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  seedPipelineScenario,
  sharedFixturesDir,
  testNatsUrl,
  type SeededScenario,
  type TestDatabase,
} from '@packflow/testing';
import { startWeb } from '../index.js';

let db: TestDatabase;
let web: RunningService;
let github: FakeGithub;
let s: SeededScenario;
let superseded: SeededScenario;
let api: string;
const tokens: Record<'writer' | 'reader' | 'gitlabber', string> = { writer: '', reader: '', gitlabber: '' };

beforeAll(async () => {
  const keys = (await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })) as { privateKey: string; publicKey: string };
  github = await FakeGithub.start({ appId: 31, appKey: keys.publicKey, defaultRole: 'read' });
  github.setPermission('packit/hello-world', 'writer', 'write');
  github.setPermission('packit/hello-world', 'reader', 'read');
  github.setPermission('packit/older', 'writer', 'admin');
  db = await createTestDatabase();
  s = await seedPipelineScenario(db.pool());
  // A pipeline whose pull request got a newer commit, which started a pipeline of its own.
  superseded = await seedPipelineScenario(db.pool(), { repo: 'older' });
  await db.pool().query(
    `with c as (insert into shared.commits (project_id, ref_id, sha)
                select project_id, ref_id, $2 from shared.commits where id = $1 returning id, project_id)
     insert into shared.pipelines (project_id, commit_id, trigger, strategy, status)
     select project_id, id, 'pull_request', 'supersede', 'running' from c`,
    [superseded.commitId, 'f'.repeat(40)],
  );
  const repository = new ApiTokenRepository(db.pool());
  tokens.writer = (await repository.create({ forge: 'github', login: 'writer' })).token;
  tokens.reader = (await repository.create({ forge: 'github', login: 'reader' })).token;
  tokens.gitlabber = (await repository.create({ forge: 'gitlab', login: 'writer' })).token;
  web = await startWeb({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      WEB_PORT: '0',
      GITHUB_APP_ID: '31',
      GITHUB_APP_PRIVATE_KEY: keys.privateKey,
      GITHUB_API_URL: github.url,
    },
    logger: createLogger({ name: 'web-writes-test', level: 'silent', pretty: false }),
  });
  api = `${web.url}/api/v1`;
});
afterAll(async () => {
  await web?.close();
  await github?.close();
  await db?.drop();
});

type Json = Record<string, unknown> & { errors?: Record<string, unknown>[] };

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('POST /api/v1/plan', () => {
  const fixtures = sharedFixturesDir()!;
  const payload = JSON.parse(readFileSync(join(fixtures, 'webhooks/github/pr.json'), 'utf8')) as object;

  it('plans a config for a real pull request webhook, with the jobs left out and why', async () => {
    const config = [
      'specfile_path: hello.spec',
      'jobs:',
      '  - job: copr_build',
      '    trigger: pull_request',
      '    targets: [fedora-rawhide-x86_64]',
      '  - job: tests',
      '    trigger: pull_request',
      '    targets: [fedora-rawhide-x86_64]',
      '  - job: copr_build',
      '    trigger: commit',
      '    branch: main',
      '    targets: [fedora-rawhide-x86_64]',
      '',
    ].join('\n');
    const { status, body } = await post('/plan', { config, event: { type: 'pull_request', payload } });
    expect(status).toBe(200);
    expect((body.steps as { job: string; targets: string[] }[]).map((x) => [x.job, x.targets])).toEqual([
      ['srpm_build', ['srpm-builds']],
      ['copr_build', ['fedora-rawhide-x86_64']],
      ['tests', ['fedora-rawhide-x86_64']],
    ]);
    expect(body.edges).toEqual(expect.arrayContaining([expect.objectContaining({ target: 'fedora-rawhide-x86_64' })]));
    expect(body.skipped).toEqual([expect.objectContaining({ job: 'copr_build', reason: expect.any(String) })]);
  });

  it('answers 400 with the line and column of each config error', async () => {
    const config = 'specfile_path: hello.spec\njobs:\n  - job: copr_build\n    trigger: on_tuesday\n';
    const { status, body } = await post('/plan', { config, event: { payload } });
    expect(status).toBe(400);
    expect(body).toMatchObject({
      code: 'validation_failed',
      message: expect.stringContaining('.packit.yaml'),
      errors: [expect.objectContaining({ pointer: '/config', line: 4, column: expect.any(Number) })],
    });
  });

  it('answers 400 naming the field for a body that is not a plan request or an event that runs nothing', async () => {
    expect(await post('/plan', { event: { payload } })).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ pointer: '/config' }] },
    });
    expect(await post('/plan', { config: 'jobs: []\n', event: { payload: [] } })).toMatchObject({
      status: 400,
      body: { errors: [{ pointer: '/event/payload' }] },
    });
    const ping = await post('/plan', { config: 'specfile_path: a.spec\njobs: []\n', event: { payload: { zen: 'x' } } });
    expect(ping.status).toBe(400);
    expect(ping.body.code).toBe('validation_failed');
  });
});

describe('POST /api/v1/pipelines/{id}/reruns', () => {
  it('reruns what failed for a person the forge gives write access: 201 with the new pipeline', async () => {
    const { status, body } = await post(
      `/pipelines/${s.pipelineId}/reruns`,
      { scope: 'failed' },
      bearer(tokens.writer),
    );
    expect(status).toBe(201);
    expect(body).toMatchObject({ rerunOf: s.pipelineId, rerunKind: 'failed', project: { id: s.projectId } });
    const { rows } = await db
      .pool()
      .query(`select rerun_of_id::text, rerun_kind from shared.pipelines where id = $1`, [body.id]);
    expect(rows).toEqual([{ rerun_of_id: s.pipelineId, rerun_kind: 'failed' }]);
    // Left for the upstream worker: queued, not submitted, due for its reconciler at once,
    // and its checks owed to the forge.
    const due = await db.pool().query<{ queued: number; due: number; owed: boolean }>(
      `select count(*) filter (where t.status = 'queued')::int as queued,
              count(*) filter (where t.status = 'queued' and t.external_id is null and t.deadline_at <= now())::int as due,
              bool_or(p.report_seq > p.reported_seq) as owed
         from shared.pipelines p join shared.pipeline_steps st on st.pipeline_id = p.id
         join upstream.pipeline_step_copr_build_targets l on l.step_id = st.id
         join upstream.copr_build_targets t on t.id = l.copr_build_target_id
        where p.id = $1`,
      [body.id],
    );
    expect(due.rows[0]).toMatchObject({ owed: true, queued: 1, due: 1 });
    // The same scope again while that rerun runs: 409.
    const again = await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'failed' }, bearer(tokens.writer));
    expect(again).toMatchObject({
      status: 409,
      body: { code: 'conflict', message: expect.stringContaining('running') },
    });
  });

  it('reruns a step and some targets', async () => {
    const step = await post(
      `/pipelines/${s.pipelineId}/reruns`,
      { scope: 'targets', step: s.steps.copr, targets: [s.redoneChroot] },
      bearer(tokens.writer),
    );
    expect(step).toMatchObject({ status: 201, body: { rerunOf: s.pipelineId, rerunKind: 'targets' } });
    const notOfIt = await post(
      `/pipelines/${s.pipelineId}/reruns`,
      { scope: 'step', step: s.rerunSteps.copr },
      bearer(tokens.writer),
    );
    expect(notOfIt).toMatchObject({ status: 400, body: { errors: [{ pointer: '/step' }] } });
  });

  it('refuses a person without write access: 403 naming the project', async () => {
    const { status, body } = await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'all' }, bearer(tokens.reader));
    expect(status).toBe(403);
    expect(body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('packit/hello-world') });
    const other = await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'all' }, bearer(tokens.gitlabber));
    expect(other).toMatchObject({ status: 403, body: { message: expect.stringContaining('packit/hello-world') } });
  });

  it('answers 401 without a token or with an unknown one', async () => {
    expect(await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'all' })).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    });
    expect(await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'all' }, bearer('pfa_nope'))).toMatchObject({
      status: 401,
      body: { code: 'unauthorized' },
    });
  });

  it('answers 404 for an unknown pipeline and 400 for a bad body', async () => {
    expect(await post('/pipelines/999999/reruns', { scope: 'all' }, bearer(tokens.writer))).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: 'pipeline 999999 does not exist' },
    });
    expect(await post(`/pipelines/${s.pipelineId}/reruns`, { scope: 'some' }, bearer(tokens.writer))).toMatchObject({
      status: 400,
      body: { errors: [{ pointer: '/scope' }] },
    });
  });

  it('answers 409 for a superseded pipeline', async () => {
    const { status, body } = await post(
      `/pipelines/${superseded.pipelineId}/reruns`,
      { scope: 'all' },
      bearer(tokens.writer),
    );
    expect(status).toBe(409);
    expect(body).toMatchObject({ code: 'conflict', message: expect.stringContaining('superseded') });
  });
});
