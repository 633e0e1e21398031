// CoprClient against the fake Copr (api_3 over HTTP): projects, SRPM and RPM builds, build
// and chroot states, cancel, the messages the fake sends, and how failures are mapped.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { CallbackReceiver, FakeCopr } from '@packflow/testing';
import { CoprClient } from '../index.js';

let copr: FakeCopr;
let receiver: CallbackReceiver;
let client: CoprClient;

beforeAll(async () => {
  receiver = await CallbackReceiver.start();
  copr = await FakeCopr.start({
    login: 'packit',
    token: 'copr-secret-token-1',
    package: { name: 'widget', version: '1.2-1' },
  });
  copr.setMessageTarget(`${receiver.url}/webhooks/messages`, 'bus-token');
  client = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'copr-secret-token-1' });
});

afterAll(async () => {
  await copr.close();
  await receiver.close();
});

async function failure(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('CoprClient projects', () => {
  it('creates a project, adds missing chroots to it later, and leaves it alone when nothing is missing', async () => {
    const created = await client.ensureProject({
      owner: 'packit',
      project: 'acme-widget-7',
      chroots: ['fedora-41-x86_64'],
      description: 'PR 7',
    });
    expect(created).toMatchObject({
      owner: 'packit',
      name: 'acme-widget-7',
      fullName: 'packit/acme-widget-7',
      created: true,
      updated: false,
    });
    expect(copr.project('packit', 'acme-widget-7')).toMatchObject({
      chroots: ['fedora-41-x86_64'],
      unlistedOnHp: true,
      description: 'PR 7',
    });

    const edited = await client.ensureProject({
      owner: 'packit',
      project: 'acme-widget-7',
      chroots: ['fedora-41-x86_64', 'fedora-rawhide-x86_64'],
    });
    expect(edited).toMatchObject({ created: false, updated: true });
    expect(edited.chroots.sort()).toEqual(['fedora-41-x86_64', 'fedora-rawhide-x86_64']);

    const same = await client.ensureProject({
      owner: 'packit',
      project: 'acme-widget-7',
      chroots: ['fedora-rawhide-x86_64'],
    });
    expect(same).toMatchObject({ created: false, updated: false });
    expect(copr.project('packit', 'acme-widget-7')!.edits).toHaveLength(2);
  });

  it('edits the project someone else created between its read and its create', async () => {
    await client.ensureProject({ owner: 'packit', project: 'raced', chroots: ['fedora-41-x86_64'] });
    // The read answers "does not exist" as if the other creator had not finished yet.
    copr.failNext({
      status: 404,
      method: 'GET',
      path: '/api_3/project',
      json: { error: 'Project packit/raced does not exist.' },
    });
    const result = await client.ensureProject({
      owner: 'packit',
      project: 'raced',
      chroots: ['fedora-41-x86_64', 'epel-9-x86_64'],
    });
    expect(result).toMatchObject({ created: false, updated: true });
    expect(copr.project('packit', 'raced')!.chroots).toEqual(['fedora-41-x86_64', 'epel-9-x86_64']);
  });
});

describe('CoprClient builds', () => {
  it('submits an SRPM build with a custom script, then an RPM build of that SRPM for the chroots', async () => {
    await client.ensureProject({
      owner: 'packit',
      project: 'acme-widget-8',
      chroots: ['fedora-41-x86_64', 'fedora-rawhide-x86_64'],
    });
    const srpm = await client.submitSrpmBuild({
      owner: 'packit',
      project: 'acme-widget-8',
      script: '#!/bin/sh\npackit prepare-sources --result-dir "$resultdir"\n',
      scriptChroot: 'fedora-latest-x86_64',
      builddeps: ['git', 'packit'],
      resultdir: 'out',
      forgeProject: 'github.com/acme/widget',
      timeoutSeconds: 3600,
    });
    expect(srpm).toMatchObject({
      owner: 'packit',
      project: 'acme-widget-8',
      state: 'pending',
      sourcePackage: { url: null },
    });
    expect(srpm.webUrl).toBe(`${copr.url}/coprs/packit/acme-widget-8/build/${srpm.id}/`);
    expect(copr.build(srpm.id).request).toMatchObject({
      script: expect.stringContaining('prepare-sources'),
      chroot: 'fedora-latest-x86_64',
      builddeps: ['git', 'packit'],
      packit_forge_project: 'github.com/acme/widget',
      timeout: 3600,
    });

    await expect(client.getBuildChroot(srpm.id, 'srpm-builds')).resolves.toMatchObject({
      name: 'srpm-builds',
      state: 'pending',
    });
    const start = await copr.startBuild(srpm.id, 'srpm-builds');
    expect(start.status).toBe(202);
    await expect(client.getBuildChroot(srpm.id, 'srpm-builds')).resolves.toMatchObject({ state: 'running' });
    await copr.finishBuild(srpm.id, 'srpm-builds', 'succeeded');
    const built = await client.getBuild(srpm.id);
    expect(built.sourcePackage).toEqual({
      name: 'widget',
      version: '1.2-1',
      url: expect.stringMatching(/srpm-builds\/\d{8}\/widget-1\.2-1\.src\.rpm$/),
    });

    const rpm = await client.submitRpmBuild({
      owner: 'packit',
      project: 'acme-widget-8',
      srpmUrl: built.sourcePackage.url!,
      chroots: ['fedora-41-x86_64', 'fedora-rawhide-x86_64'],
    });
    expect(rpm.chroots.sort()).toEqual(['fedora-41-x86_64', 'fedora-rawhide-x86_64']);
    expect(rpm.state).toBe('pending');
    await copr.startBuild(rpm.id, 'fedora-41-x86_64');
    await copr.finishBuild(rpm.id, 'fedora-41-x86_64', 'succeeded');
    const chroot = await client.getBuildChroot(rpm.id, 'fedora-41-x86_64');
    expect(chroot).toMatchObject({ state: 'succeeded', buildId: rpm.id });
    expect(chroot.logUrl).toMatch(/fedora-41-x86_64\/\d{8}-widget\/builder-live\.log\.gz$/);
    await expect(client.getBuild(rpm.id)).resolves.toMatchObject({ state: 'running' });
    await copr.startBuild(rpm.id, 'fedora-rawhide-x86_64');
    await copr.finishBuild(rpm.id, 'fedora-rawhide-x86_64', 'failed');
    await expect(client.getBuild(rpm.id)).resolves.toMatchObject({ state: 'failed' });

    const messages = receiver.on('/webhooks/messages');
    expect(
      messages.map((m) => [
        (m.body as { topic: string }).topic.split('.').pop(),
        (m.body as { chroot: string }).chroot,
        (m.body as { status: number }).status,
      ]),
    ).toEqual([
      ['start', 'srpm-builds', 3],
      ['end', 'srpm-builds', 1],
      ['start', 'fedora-41-x86_64', 3],
      ['end', 'fedora-41-x86_64', 1],
      ['start', 'fedora-rawhide-x86_64', 3],
      ['end', 'fedora-rawhide-x86_64', 0],
    ]);
    expect(messages.every((m) => m.headers.authorization === 'Bearer bus-token')).toBe(true);
  });

  it('builds SRPM and RPMs in one build when the custom build names no chroots (all of the project, as Copr does)', async () => {
    await client.ensureProject({
      owner: 'packit',
      project: 'acme-widget-11',
      chroots: ['fedora-41-x86_64', 'epel-9-x86_64'],
    });
    const build = await client.submitSrpmBuild({ owner: 'packit', project: 'acme-widget-11', script: 'true' });
    expect(build.chroots.sort()).toEqual(['epel-9-x86_64', 'fedora-41-x86_64']);
    await expect(client.getBuildChroot(build.id, 'fedora-41-x86_64')).resolves.toMatchObject({ state: 'waiting' });
    await expect(copr.startBuild(build.id, 'fedora-41-x86_64')).rejects.toThrow(
      'cannot start before its SRPM is built',
    );

    const before = copr.messagesSent.length;
    // Finishing what never started sends the start message first, as Copr always does.
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await expect(client.getBuildChroot(build.id, 'fedora-41-x86_64')).resolves.toMatchObject({ state: 'pending' });
    await copr.finishBuild(build.id, 'fedora-41-x86_64', 'succeeded');
    await copr.finishBuild(build.id, 'epel-9-x86_64', 'succeeded');
    expect(
      copr.messagesSent.slice(before).map((m) => `${m.payload.chroot} ${m.payload.topic.split('.').pop()}`),
    ).toEqual([
      'srpm-builds start',
      'srpm-builds end',
      'fedora-41-x86_64 start',
      'fedora-41-x86_64 end',
      'epel-9-x86_64 start',
      'epel-9-x86_64 end',
    ]);
    await expect(client.getBuild(build.id)).resolves.toMatchObject({ state: 'succeeded' });
  });

  it('cancels a running build; cancelling a finished one is refused and not retried', async () => {
    await client.ensureProject({ owner: 'packit', project: 'acme-widget-9', chroots: ['fedora-41-x86_64'] });
    const build = await client.submitRpmBuild({
      owner: 'packit',
      project: 'acme-widget-9',
      srpmUrl: 'https://example.org/widget-1.0-1.src.rpm',
      chroots: ['fedora-41-x86_64'],
    });
    await copr.startBuild(build.id, 'fedora-41-x86_64');
    await expect(client.cancelBuild(build.id)).resolves.toMatchObject({ state: 'canceled' });
    await expect(client.getBuildChroot(build.id, 'fedora-41-x86_64')).resolves.toMatchObject({ state: 'canceled' });
    const error = await failure(client.cancelBuild(build.id));
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain(`cancel build ${build.id}`);
  });

  it('refuses a chroot the project does not have', async () => {
    await client.ensureProject({ owner: 'packit', project: 'acme-widget-10', chroots: ['fedora-41-x86_64'] });
    const error = await failure(
      client.submitRpmBuild({
        owner: 'packit',
        project: 'acme-widget-10',
        srpmUrl: 'https://example.org/w-1-1.src.rpm',
        chroots: ['epel-9-x86_64'],
      }),
    );
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toMatch(/submit RPM build .* for epel-9-x86_64 failed: 400/);
  });
});

describe('CoprClient: what a project holds', () => {
  it('lists builds newest first and answers what each was submitted with (script or SRPM URL)', async () => {
    await client.ensureProject({ owner: 'packit', project: 'acme-widget-31', chroots: ['fedora-41-x86_64'] });
    const script = '#!/bin/sh\n# packflow-idempotency-key: pf:1:2:srpm-builds:1\ntrue';
    const custom = await client.submitSrpmBuild({ owner: 'packit', project: 'acme-widget-31', script });
    const url = 'https://example.test/widget-1.2-1.src.rpm';
    const rebuild = await client.submitRpmBuild({
      owner: 'packit',
      project: 'acme-widget-31',
      srpmUrl: url,
      chroots: ['fedora-41-x86_64'],
    });
    expect((await client.listBuilds('packit', 'acme-widget-31')).map((b) => b.id)).toEqual([rebuild.id, custom.id]);
    expect((await client.listBuilds('packit', 'acme-widget-31', 1)).map((b) => b.id)).toEqual([rebuild.id]);
    expect(await client.getSourceBuildConfig(custom.id)).toMatchObject({
      sourceType: 'custom',
      sourceDict: { script },
    });
    expect(await client.getSourceBuildConfig(rebuild.id)).toEqual({ sourceType: 'link', sourceDict: { url } });
    expect((await failure(client.listBuilds('packit', 'no-such-project'))).status).toBe(404);
  });
});

describe('CoprClient errors', () => {
  it('answers 503 with Retry-After as a retryable error that says when to retry', async () => {
    copr.failNext({ status: 503, retryAfter: 1, path: '/api_3/build/' });
    const error = await failure(client.getBuild(1_000_001));
    expect(error).toMatchObject({ status: 503, retryable: true, retryAfterMs: 1000, code: 'external_service_failed' });
    expect(error.message).toMatch(/^copr: get build 1000001 failed: 503/);
    await expect(client.getBuild(1_000_001)).resolves.toMatchObject({ id: 1_000_001 });
  });

  it('treats 429 and a dropped connection as retryable', async () => {
    copr.failNext({ status: 429, retryAfter: 7 });
    await expect(client.getBuild(1_000_001)).rejects.toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 7000,
    });
    copr.failNext({ drop: true });
    const dropped = await failure(client.getBuild(1_000_001));
    expect(dropped).toMatchObject({ status: undefined, retryable: true });
    expect(dropped.message).toContain('get build 1000001 failed: no answer');
  });

  it('treats 404 and 401 as final, without the token in the message', async () => {
    const missing = await failure(client.getBuild(99));
    expect(missing).toMatchObject({ status: 404, retryable: false });
    expect(missing.message).toBe('copr: get build 99 failed: 404 not found: Build 99 does not exist.');

    const wrong = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'wrong-secret-token-2' });
    const denied = await failure(
      wrong.ensureProject({ owner: 'packit', project: 'nope', chroots: ['fedora-41-x86_64'] }),
    );
    expect(denied).toMatchObject({ status: 401, retryable: false });
    expect(denied.message).toContain('create project packit/nope failed: 401 authentication failed');
    const everything = inspect(denied, { depth: 10 });
    expect(everything).not.toContain('wrong-secret-token-2');
    expect(everything).not.toContain(Buffer.from('packit:wrong-secret-token-2').toString('base64'));
  });
});
