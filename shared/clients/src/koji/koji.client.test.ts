// KojiClient against the fake hub over HTTPS with client certificates: login, chunked SRPM
// upload, scratch and real builds (twice asked, twice built), tasks and builds as the hub
// reports them, tagging and side tags, and the refusals (no certificate, a stranger's
// certificate, another user's side tag, a build of an NVR that exists).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@packflow/base';
import { createTestCertificates, type TestCertificates } from '@packflow/testing';
import { FakeKoji } from '../testing.js';
import { KojiClient, KojiFaultError } from '../index.js';

let pki: TestCertificates;
let koji: FakeKoji;
let client: KojiClient;

function clientFor(commonName: string, options: { signedBy?: 'ca' | 'stranger'; blockSize?: number } = {}): KojiClient {
  const cert = pki.client(commonName, { signedBy: options.signedBy });
  return new KojiClient({
    hubUrl: koji.hubUrl,
    auth: { kind: 'certificate', certPath: cert.combinedPath },
    serverCaPath: pki.caPath,
    uploadBlockSize: options.blockSize,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { faultCode?: number; retryable?: boolean }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

beforeAll(async () => {
  pki = createTestCertificates();
  koji = await FakeKoji.start({ tls: { ...pki.server, clientCa: pki.ca }, users: ['packit', 'someone-else'] });
  client = clientFor('packit', { blockSize: 1000 });
});

afterAll(async () => {
  await koji.close();
  pki.remove();
});

const srpm = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 256));

describe('KojiClient uploads and builds', () => {
  it('uploads an SRPM in checked chunks into a new cli-build directory and starts a scratch build of it', async () => {
    const content = srpm(2500);
    const path = await client.uploadSrpm('hello-0.74-1.fc41.src.rpm', content);
    expect(path).toMatch(/^cli-build\/\d+\.\d+\.[\w-]+\/hello-0\.74-1\.fc41\.src\.rpm$/);
    expect(koji.uploads.get(path)).toEqual(content);
    const offsets = koji.requests
      .filter((r) => r.query.includes('filename='))
      .map((r) => new URLSearchParams(r.query).get('offset'));
    expect(offsets.slice(-3)).toEqual(['0', '1000', '2000']);

    const taskId = await client.build(path, 'rawhide', { scratch: true });
    expect(koji.task(taskId).request).toEqual([path, 'rawhide', { scratch: true }]);
    expect(await client.getTaskInfo(taskId)).toMatchObject({
      id: taskId,
      method: 'build',
      state: 'FREE',
      request: [path, 'rawhide', { scratch: true }],
    });

    await koji.startTask(taskId);
    await koji.finishTask(taskId, 'CLOSED');
    expect(await client.getTaskInfo(taskId)).toMatchObject({ state: 'CLOSED', completionTime: expect.any(Number) });
    expect((await client.getTaskChildren(taskId)).map((t) => [t.method, t.state])).toEqual([
      ['rebuildSRPM', 'CLOSED'],
      ['buildArch', 'CLOSED'],
    ]);
    // A scratch build leaves no build behind.
    expect(await client.getBuild('hello-0.74-1.fc41')).toBeUndefined();
  });

  it('builds twice when asked twice, and the second real build of one NVR fails as Koji refuses it', async () => {
    const path = await client.uploadSrpm('widget-1.2-1.fc41.src.rpm', srpm(10));
    const first = await client.build(path, 'f41-candidate');
    const second = await client.build(path, 'f41-candidate');
    expect(second).not.toBe(first);
    await koji.finishTask(first, 'CLOSED');
    await koji.finishTask(second, 'CLOSED');
    expect((await client.getTaskInfo(first))!.state).toBe('CLOSED');
    expect((await client.getTaskInfo(second))!.state).toBe('FAILED');

    const build = await client.getBuild('widget-1.2-1.fc41');
    expect(build).toMatchObject({ nvr: 'widget-1.2-1.fc41', state: 'COMPLETE', taskId: first, owner: 'packit' });
    expect(await client.getBuild(build!.id)).toEqual(build);
    expect(await client.listTagged('f41-updates-candidate', { package: 'widget' })).toEqual([
      { ...build, tagName: 'f41-updates-candidate' },
    ]);
  });

  it('fails a build whose SRPM was never uploaded, and one for a target that does not exist', async () => {
    const missing = await client.build('cli-build/1.x/never-1-1.src.rpm', 'rawhide', { scratch: true });
    const path = await client.uploadSrpm('gadget-1-1.src.rpm', srpm(5));
    const badTarget = await client.build(path, 'f12-candidate', { scratch: true });
    await koji.finishTask(missing, 'CLOSED');
    await koji.finishTask(badTarget, 'CLOSED');
    expect(koji.task(missing)).toMatchObject({
      state: 5,
      result: { faultString: expect.stringMatching(/No such file/) },
    });
    expect(koji.task(badTarget)).toMatchObject({
      state: 5,
      result: { faultString: 'No such build target: f12-candidate' },
    });
  });

  it('refuses an upload to a path that exists, as the hub does', async () => {
    await client.upload('cli-build/fixed', 'same-1-1.src.rpm', srpm(3));
    const error = await failure(client.upload('cli-build/fixed', 'same-1-1.src.rpm', srpm(3)));
    expect(error).toBeInstanceOf(KojiFaultError);
    expect(error.message).toMatch(/upload path exists/);
  });
});

describe('KojiClient finding and cancelling its own work', () => {
  it('uploads into a chosen directory once: a second upload of the same file there sends nothing', async () => {
    const content = srpm(1500);
    const first = await client.uploadSrpm('retry-1-1.fc41.src.rpm', content, 'cli-build/packflow-abc123');
    const uploads = koji.requests.filter((r) => r.query.includes('filename=')).length;
    const second = await client.uploadSrpm('retry-1-1.fc41.src.rpm', content, 'cli-build/packflow-abc123');
    expect(second).toBe(first);
    expect(koji.requests.filter((r) => r.query.includes('filename=')).length).toBe(uploads);
    expect(koji.uploads.get(first)).toEqual(content);
  });

  it('lists its build tasks with their requests decoded, and cancels one; another user may not', async () => {
    const me = await client.whoami();
    expect(me.name).toBe('packit');
    const path = await client.uploadSrpm('found-1-1.fc41.src.rpm', srpm(4), 'cli-build/packflow-found');
    const taskId = await client.build(path, 'rawhide', { scratch: true });
    const mine = await client.listTasks({ method: 'build', owner: me.id });
    expect(mine[0]).toMatchObject({ id: taskId, request: [path, 'rawhide', { scratch: true }] });

    expect(await failure(clientFor('someone-else').cancelTask(taskId))).toMatchObject({ faultCode: 1004 });
    await client.cancelTask(taskId);
    expect((await client.getTaskInfo(taskId))!.state).toBe('CANCELED');
  });
});

describe('KojiClient tags and side tags', () => {
  it('creates a side tag, tags a build into it (a task), lists it and removes the side tag', async () => {
    const path = await client.uploadSrpm('lib-2.0-1.fc41.src.rpm', srpm(20));
    const task = await client.build(path, 'f41-candidate');
    await koji.finishTask(task, 'CLOSED');

    const side = await client.createSideTag('f41-build');
    expect(side.name).toMatch(/^f41-build-side-\d+$/);
    const tagTask = await client.tagBuild(side.name, 'lib-2.0-1.fc41');
    expect(await client.listTagged(side.name)).toEqual([]);
    await koji.finishTask(tagTask, 'CLOSED');
    expect((await client.listTagged(side.name)).map((b) => b.nvr)).toEqual(['lib-2.0-1.fc41']);
    expect(koji.taggedNvrs(side.name)).toEqual(['lib-2.0-1.fc41']);
    expect(koji.hasBuild('lib-2.0-1.fc41')).toBe(true);
    expect(koji.hasBuild('lib-2.0-2.fc41')).toBe(false);

    // listSideTags by base tag and user (the sidetag plugin's query).
    const mine = await client.listSideTags({ basetag: 'f41-build', user: 'packit' });
    expect(mine.map((t) => t.name)).toContain(side.name);
    expect(await client.listSideTags({ basetag: 'f44-build', user: 'packit' })).not.toContainEqual(side);
    expect(await client.listSideTags({ basetag: 'f41-build', user: 'someone-else' })).toEqual([]);

    const stranger = clientFor('someone-else');
    const refused = await failure(stranger.removeSideTag(side.name));
    expect(refused).toMatchObject({ faultCode: 1004, retryable: false });
    await client.removeSideTag(side.name);
    expect((await failure(client.listTagged(side.name))).message).toMatch(/No such tagInfo/);
  });

  it('refuses to remove a tag that is not a side tag', async () => {
    expect((await failure(client.removeSideTag('f41-build'))).message).toMatch(/Not a sidetag: f41-build/);
  });
});

describe('KojiClient login', () => {
  it('is refused without a certificate for calls that need a session, but reads without one', async () => {
    const anonymous = new KojiClient({ hubUrl: koji.hubUrl, serverCaPath: pki.caPath });
    expect(await anonymous.getTaskInfo(999)).toBeUndefined();
    const refused = await failure(anonymous.build('cli-build/x/y-1-1.src.rpm', 'rawhide'));
    expect(refused).toMatchObject({ faultCode: 1002, retryable: false });
    expect(refused.message).toMatch(/koji: build failed: fault 1002: koji.AuthError: Not logged in/);
  });

  it('is refused with a certificate of a CA the hub does not trust, and for a user Koji does not know', async () => {
    expect((await failure(clientFor('packit', { signedBy: 'stranger' }).login())).message).toMatch(
      /could not verify client certificate/,
    );
    expect((await failure(clientFor('mallory').login())).message).toMatch(/Unknown user: mallory/);
  });

  it('keeps call numbers rising under concurrent calls and logs in again when the session expired', async () => {
    const fresh = clientFor('packit');
    const ids = await Promise.all(
      Array.from({ length: 5 }, () =>
        fresh.build('git+https://src.fedoraproject.org/rpms/x.git#abc1234', 'rawhide', { scratch: true }),
      ),
    );
    expect(new Set(ids).size).toBe(5);
    koji.expireSessions();
    expect(
      await fresh.build('git+https://src.fedoraproject.org/rpms/x.git#abc1234', 'rawhide', { scratch: true }),
    ).toBeGreaterThan(Math.max(...ids));
  });

  it('names a keytab login as not supported yet, and an unreadable certificate by its path', () => {
    expect(
      () =>
        new KojiClient({
          hubUrl: koji.hubUrl,
          auth: { kind: 'keytab', principal: 'packit@FEDORAPROJECT.ORG', keytabPath: '/k' },
        }),
    ).toThrow(ConfigurationError);
    expect(
      () => new KojiClient({ hubUrl: koji.hubUrl, auth: { kind: 'certificate', certPath: '/nonexistent/packit.pem' } }),
    ).toThrow(/Koji client certificate \/nonexistent\/packit.pem cannot be read/);
    const certOnly = pki.client('packit').certPath;
    expect(() => new KojiClient({ hubUrl: koji.hubUrl, auth: { kind: 'certificate', certPath: certOnly } })).toThrow(
      /has no private key; give its key file too/,
    );
  });
});
