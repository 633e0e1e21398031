// The intake's routes for results: fedora-messaging messages through the bus bridge
// (Copr results routed to the ecosystem that owns the build) and Testing Farm
// notifications carrying the token packflow gave the request, against real PostgreSQL and NATS.
import { createHash, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { validateEventMessage } from '@packflow/events';
import { HEAD, MESSAGES_TOKEN, schedulerFixture, TF_TOKEN } from './testing/scheduler.fixture.js';
import { postMessage, postTestingFarm } from './testing/webhook.senders.js';

const f = schedulerFixture();

describe('POST /webhooks/messages and /webhooks/testing-farm', () => {
  let projectId: string;
  let commitId: string;

  beforeAll(async () => {
    const q = async (text: string, params: unknown[] = []) =>
      String((await f.pool.query(`${text} returning id`, params)).rows[0].id);
    projectId = await q(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'built')`,
    );
    const refId = await q(`insert into shared.project_refs (project_id, kind, name) values ($1, 'pull_request', '5')`, [
      projectId,
    ]);
    commitId = await q(`insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3)`, [
      projectId,
      refId,
      HEAD,
    ]);
    const pipelineId = await q(
      `insert into shared.pipelines (project_id, commit_id, trigger) values ($1, $2, 'pull_request')`,
      [projectId, commitId],
    );
    const coprStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'copr', 'copr_build')`,
      [pipelineId],
    );
    const testStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'tests', 'tests')`,
      [pipelineId],
    );
    const copr = await q(`insert into upstream.copr_builds default values`);
    await f.pool.query(`insert into upstream.pipeline_step_copr_builds (step_id, copr_build_id) values ($1, $2)`, [
      coprStep,
      copr,
    ]);
    await q(
      `insert into upstream.copr_build_targets (copr_build_id, target, external_id) values ($1, 'fedora-41-x86_64', '7001')`,
      [copr],
    );
    const run = await q(`insert into upstream.test_runs default values`);
    await f.pool.query(`insert into upstream.pipeline_step_test_runs (step_id, test_run_id) values ($1, $2)`, [
      testStep,
      run,
    ]);
    await q(
      `insert into upstream.test_run_targets (test_run_id, target, external_id, notification_token_hash) values ($1, 'fedora-41-x86_64', 'tf-req-1', $2)`,
      [run, createHash('sha256').update(TF_TOKEN).digest('hex')],
    );
    // An SRPM build whose chroots have not recorded its build id yet.
    const srpmStep = await q(
      `insert into shared.pipeline_steps (pipeline_id, key, job) values ($1, 'srpm', 'srpm_build')`,
      [pipelineId],
    );
    const srpm = await q(`insert into upstream.srpm_builds (target, external_id) values ('srpm-builds', '7002')`);
    await f.pool.query(`insert into upstream.pipeline_step_srpm_builds (step_id, srpm_build_id) values ($1, $2)`, [
      srpmStep,
      srpm,
    ]);
  });

  const coprEnd = (build: number) => ({
    status: 1,
    chroot: 'fedora-41-x86_64',
    user: 'packit',
    owner: 'packit',
    copr: 'acme-built',
    build,
    pkg: 'built',
    version: '1-1',
  });

  it('routes a Copr result to the ecosystem that owns the build and links it to its pipeline commit', async () => {
    const body = JSON.stringify({
      topic: 'org.fedoraproject.prod.copr.build.end',
      id: `msg-${randomUUID()}`,
      headers: {},
      body: coprEnd(7001),
    });
    const answer = await postMessage(f.url, { token: MESSAGES_TOKEN, body });
    expect(answer.status).toBe(202);
    const { rows } = await f.pool.query(
      'select type, ecosystem, project_id, commit_id, delivery_id from shared.events where id = $1',
      [answer.body.event_id],
    );
    expect(rows[0]).toEqual({
      type: 'copr.build_end',
      ecosystem: 'upstream',
      project_id: projectId,
      commit_id: commitId,
      delivery_id: JSON.parse(body).id,
    });
    const [published] = await f.published(rows[0].delivery_id);
    expect(validateEventMessage(published.subject, published.data)).toMatchObject({
      type: 'copr.build_end',
      copr: { buildId: '7001', status: 'succeeded' },
    });
  });

  it('routes a chroot result of an SRPM build packflow started before the chroot has recorded the build', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.start', ...coprEnd(7002), status: 3 });
    const answer = await postMessage(f.url, { token: MESSAGES_TOKEN, body });
    expect(answer.status).toBe(202);
    const { rows } = await f.pool.query('select type, ecosystem, project_id from shared.events where id = $1', [
      answer.body.event_id,
    ]);
    expect(rows[0]).toEqual({ type: 'copr.build_start', ecosystem: 'upstream', project_id: projectId });
  });

  it('records a result for a build packflow never started as ignored', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.end', ...coprEnd(404404) });
    const answer = await postMessage(f.url, { token: MESSAGES_TOKEN, body });
    expect(answer).toEqual({
      status: 200,
      body: { ignored: 'Copr build 404404 was not started by packflow', event_id: expect.any(String) },
    });
    const [{ delivery_id: delivery }] = (
      await f.pool.query('select delivery_id from shared.events where id = $1', [answer.body.event_id])
    ).rows;
    expect(await f.published(delivery)).toEqual([]);
  });

  it('takes the same flat message twice as one delivery', async () => {
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.start', ...coprEnd(7001), status: 3 });
    expect((await postMessage(f.url, { token: MESSAGES_TOKEN, body })).status).toBe(202);
    expect(await postMessage(f.url, { token: MESSAGES_TOKEN, body })).toMatchObject({
      status: 200,
      body: { duplicate: expect.stringMatching(/^sha256:/) },
    });
  });

  it('answers 401 without the bearer token, or with another one', async () => {
    const before = await f.recorded();
    const body = JSON.stringify({ topic: 'org.fedoraproject.prod.copr.build.end', ...coprEnd(7001) });
    expect((await postMessage(f.url, { token: null, body })).status).toBe(401);
    expect((await postMessage(f.url, { token: 'nope', body })).status).toBe(401);
    expect(await f.recorded()).toEqual(before);
  });

  it('answers 400 for a message without a topic', async () => {
    expect(await postMessage(f.url, { token: MESSAGES_TOKEN, body: JSON.stringify(coprEnd(1)) })).toMatchObject({
      status: 400,
      body: { message: 'topic: expected a string, got nothing' },
    });
  });

  it('accepts a Testing Farm notification carrying the token packflow gave that request', async () => {
    const answer = await postTestingFarm(
      f.url,
      JSON.stringify({ request_id: 'tf-req-1', token: TF_TOKEN, source: 'testing-farm' }),
    );
    expect(answer.status).toBe(202);
    const { rows } = await f.pool.query(
      'select type, ecosystem, project_id, payload from shared.events where id = $1',
      [answer.body.event_id],
    );
    expect(rows[0]).toMatchObject({ type: 'testing_farm.notification', ecosystem: 'upstream', project_id: projectId });
    expect(JSON.stringify(rows[0].payload)).not.toContain(TF_TOKEN);
  });

  it.each([
    ['a wrong token', { request_id: 'tf-req-1', token: 'guess' }],
    ['no token', { request_id: 'tf-req-1' }],
    ['a request packflow never made', { request_id: 'tf-req-unknown', token: TF_TOKEN }],
  ])('answers 401 to a Testing Farm notification with %s, and records nothing', async (_what, body) => {
    const before = await f.recorded();
    expect((await postTestingFarm(f.url, JSON.stringify(body))).status).toBe(401);
    expect(await f.recorded()).toEqual(before);
  });
});
