// The upstream_koji_build activity through the real Copr and Koji clients against their
// fakes: the SRPM of the pipeline's Copr SRPM build is fetched from Copr's results, uploaded
// to Koji and built per target (scratch by default); a retry of the same try (a crash after
// the build was asked for) finds the task instead of building again; poll and cancel.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoprClient, KojiClient } from '@packflow/clients';
import { FakeKoji } from '@packflow/clients/testing';
import type { TargetState } from '@packflow/core';
import type { TargetTask } from '@packflow/engine';
import { createTestCertificates, FakeCopr, type TestCertificates } from '@packflow/testing';
import { kojiUploadDir, upstreamKojiBuildActivity } from './koji.activities.js';

const SRPM = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256));

let pki: TestCertificates;
let koji: FakeKoji;
let copr: FakeCopr;
let results: Server;
let resultsUrl: string;
let coprClient: CoprClient;
let srpmBuildId: string;

function target(name: string, kind: TargetState['kind'], externalId: string | null = null): TargetState {
  return {
    id: `${kind}-${name}`,
    kind,
    groupId: null,
    target: name,
    attempt: 1,
    status: 'queued',
    reason: null,
    externalId,
    idempotencyKey: null,
    webUrl: null,
    logUrl: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    deadlineAt: null,
    createdAt: new Date().toISOString(),
    data: null,
  };
}

function task(branch: string, key: string, options: Record<string, unknown> = {}): TargetTask {
  return {
    pipelineId: 'p1',
    pipeline: {
      id: 'p1',
      project: { id: 'proj', forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'hello' },
      ref: { kind: 'pull_request', name: '7' },
      commitSha: 'abc123',
    },
    stepId: 'step-koji',
    job: 'upstream_koji_build',
    package: null,
    identifier: null,
    options,
    target: target(branch, 'koji_build'),
    idempotencyKey: key,
    inputs: [target('srpm', 'srpm_build', srpmBuildId)],
    next: [],
  };
}

beforeAll(async () => {
  results = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-rpm' });
    res.end(SRPM);
  });
  await new Promise<void>((resolve) => results.listen(0, '127.0.0.1', resolve));
  resultsUrl = `http://127.0.0.1:${(results.address() as { port: number }).port}/results`;
  pki = createTestCertificates();
  koji = await FakeKoji.start({
    tls: { ...pki.server, clientCa: pki.ca },
    targets: { f41: { buildTag: 'f41-build', destTag: 'f41-updates-candidate' } },
  });
  copr = await FakeCopr.start({
    login: 'packit',
    token: 'copr-t',
    resultsUrl,
    package: { name: 'hello', version: '2.10-1.fc41' },
  });
  coprClient = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'copr-t' });
  await coprClient.ensureProject({ owner: 'packit', project: 'acme-hello-7', chroots: ['fedora-41-x86_64'] });
  const build = await coprClient.submitSrpmBuild({ owner: 'packit', project: 'acme-hello-7', script: 'true' });
  await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
  srpmBuildId = String(build.id);
});

afterAll(async () => {
  await Promise.all([koji.close(), copr.close(), new Promise((resolve) => results.close(resolve))]);
  pki.remove();
});

function activity() {
  const kojiClient = new KojiClient({
    hubUrl: koji.hubUrl,
    auth: { kind: 'certificate', certPath: pki.client('packit').combinedPath },
    serverCaPath: pki.caPath,
  });
  return upstreamKojiBuildActivity({ koji: kojiClient, copr: coprClient, kojiWebUrl: 'https://koji.example/koji' });
}

describe('upstream_koji_build activity', () => {
  it('uploads the Copr SRPM and starts a scratch build per target, linking each task', async () => {
    const tasks = [task('rawhide', 'p1/koji/rawhide/1'), task('f41', 'p1/koji/f41/1')];
    const submitted = await activity().submit(tasks);
    expect(submitted).toHaveLength(2);
    for (const [i, result] of submitted.entries()) {
      const kojiTask = koji.task(Number(result.externalId));
      expect(kojiTask.request).toEqual([
        `${kojiUploadDir(tasks[i])}/hello-2.10-1.fc41.src.rpm`,
        tasks[i].target.target,
        { scratch: true },
      ]);
      expect(result.webUrl).toBe(`https://koji.example/koji/taskinfo?taskID=${result.externalId}`);
      expect(koji.uploads.get(kojiTask.request[0] as string)).toEqual(SRPM);
    }
  });

  it('finds the task of an earlier try of the same target instead of building twice, and builds non-scratch when asked', async () => {
    const first = await activity().submit([task('rawhide', 'p2/koji/rawhide/1', { scratch: false })]);
    const builds = koji.buildTasks().length;
    // A new worker (new session) retries the same try after a crash.
    const again = await activity().submit([task('rawhide', 'p2/koji/rawhide/1', { scratch: false })]);
    expect(again[0].externalId).toBe(first[0].externalId);
    expect(koji.buildTasks().length).toBe(builds);
    expect(koji.task(Number(first[0].externalId)).request[2]).toEqual({});
    // A new try (a rerun) is new work.
    const rerun = await activity().submit([task('rawhide', 'p2/koji/rawhide/2', { scratch: false })]);
    expect(rerun[0].externalId).not.toBe(first[0].externalId);
  });

  it('polls the task state into signals and cancels the task', async () => {
    const act = activity();
    const [result] = await act.submit([task('f41', 'p3/koji/f41/1')]);
    const submitted = {
      ...task('f41', 'p3/koji/f41/1'),
      target: { ...target('f41', 'koji_build', result.externalId), webUrl: result.webUrl ?? null },
    };
    expect(await act.poll!(submitted)).toBeUndefined();
    await koji.startTask(Number(result.externalId));
    expect(await act.poll!(submitted)).toMatchObject({ state: 'started' });
    await act.cancel!(submitted);
    expect(await act.poll!(submitted)).toMatchObject({ state: 'error', reason: 'cancelled in Koji' });

    const [other] = await act.submit([task('f41', 'p4/koji/f41/1')]);
    await koji.finishTask(Number(other.externalId), 'CLOSED');
    expect(await act.poll!({ ...submitted, target: target('f41', 'koji_build', other.externalId) })).toMatchObject({
      state: 'success',
    });
  });
});
