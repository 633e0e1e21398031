// BodhiClient against the fake Bodhi and its identity provider: an OIDC token by client
// credentials, the session cookie and CSRF token, updates of builds and of a side tag,
// one update per build and per side tag (a second is refused as Bodhi refuses it), edits,
// lookups by build, and
// the refusals (wrong secret, no session, stale CSRF token).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/base';
import { FakeBodhi } from '../testing.js';
import { BodhiClient } from '../index.js';

let bodhi: FakeBodhi;
let client: BodhiClient;
const sideTags: Record<string, string[]> = {
  'f41-build-side-1234': ['python-ogr-0.34.0-1.fc41', 'packit-0.90.0-1.fc41'],
  'f41-build-side-5678': ['libfoo-2.0-1.fc41', 'foo-tool-2.0-1.fc41', 'libfoo-2.0-2.fc41'],
};

beforeAll(async () => {
  bodhi = await FakeBodhi.start({
    clients: { 'packflow-bodhi': { secret: 'oidc-secret-1', user: 'packit' } },
    tagBuilds: (tag) => sideTags[tag],
    // Koji knows every build these tests name but one.
    buildExists: (nvr) => nvr !== 'ghost-1-1.fc41',
  });
  client = new BodhiClient({
    baseUrl: bodhi.url,
    oidc: { tokenUrl: bodhi.tokenUrl, clientId: 'packflow-bodhi', clientSecret: 'oidc-secret-1' },
  });
});

afterAll(async () => {
  await bodhi.close();
});

async function failure(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('BodhiClient updates', () => {
  it('creates an update of a build with a FEDORA-<year>-<hash> alias, and finds it by the build', async () => {
    const [update] = await client.createUpdate({ builds: ['hello-2.10-1.fc41'], notes: 'New upstream release 2.10' });
    expect(update).toMatchObject({
      alias: expect.stringMatching(/^FEDORA-\d{4}-[0-9a-f]{10}$/),
      status: 'pending',
      request: 'testing',
      type: 'enhancement',
      notes: 'New upstream release 2.10',
      builds: [{ nvr: 'hello-2.10-1.fc41' }],
      release: { name: 'F41' },
      user: { name: 'packit' },
    });
    expect((await client.updatesOfBuilds(['hello-2.10-1.fc41'])).map((u) => u.alias)).toEqual([update.alias]);
    expect(await client.getUpdate(update.alias)).toMatchObject({ alias: update.alias });
    expect(await client.getUpdate('FEDORA-2026-0000000000')).toBeUndefined();
    // The write went with the session cookie and the CSRF token in the form, not the bearer token.
    const post = bodhi.requests.find((r) => r.method === 'POST' && r.path === '/updates/')!;
    expect(post.headers.authorization).toBeUndefined();
    expect(post.headers.cookie).toMatch(/^auth_tkt=/);
    expect(post.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('refuses an update of a build Koji does not have', async () => {
    const error = await failure(client.createUpdate({ builds: ['ghost-1-1.fc41'], notes: 'n' }));
    expect(error.message).toMatch(/builds: Build does not exist: ghost-1-1\.fc41/);
  });

  it('refuses a second update for a build that already has one', async () => {
    await client.createUpdate({ builds: ['widget-1.0-1.fc40'], notes: 'first' });
    const error = await failure(client.createUpdate({ builds: ['widget-1.0-1.fc40'], notes: 'again' }));
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toMatch(/builds: Update for widget-1\.0-1\.fc40 already exists/);
    expect(bodhi.updates.filter((u) => u.builds.some((b) => b.nvr === 'widget-1.0-1.fc40'))).toHaveLength(1);
  });

  it('creates one update of all builds of a side tag, and one per release for builds of several', async () => {
    const [fromTag] = await client.createUpdate({ fromTag: 'f41-build-side-1234', notes: 'together' });
    expect(fromTag).toMatchObject({
      from_tag: 'f41-build-side-1234',
      builds: [{ nvr: 'python-ogr-0.34.0-1.fc41' }, { nvr: 'packit-0.90.0-1.fc41' }],
    });
    const both = await client.createUpdate({ builds: ['gadget-3-1.fc41', 'gadget-3-1.el9'], notes: 'two releases' });
    expect(both.map((u) => u.release.name).sort()).toEqual(['EPEL-9', 'F41']);
    expect(both.find((u) => u.release.name === 'EPEL-9')!.alias).toMatch(/^FEDORA-EPEL-\d{4}-[0-9a-f]{10}$/);
    expect((await failure(client.createUpdate({ fromTag: 'f41-build-side-9', notes: 'x' }))).message).toMatch(
      /from_tag doesn't exist/,
    );
  });

  it('makes one update per side tag: a second is refused, the first is edited to take the new builds', async () => {
    const tag = 'f41-build-side-5678';
    const [made] = await client.createUpdate({ fromTag: tag, builds: ['libfoo-2.0-1.fc41'], notes: 'first' });
    expect(made.builds.map((b) => b.nvr)).toEqual(['libfoo-2.0-1.fc41']);
    expect(
      (await failure(client.createUpdate({ fromTag: tag, builds: ['foo-tool-2.0-1.fc41'], notes: 'again' }))).message,
    ).toMatch(/Update already exists using this side tag/);
    const edited = await client.editUpdate(made.alias, {
      fromTag: tag,
      builds: ['libfoo-2.0-2.fc41', 'foo-tool-2.0-1.fc41'],
      notes: 'second',
    });
    expect(edited).toMatchObject({ alias: made.alias, from_tag: tag, notes: 'second' });
    expect(edited.builds.map((b) => b.nvr)).toEqual(['libfoo-2.0-2.fc41', 'foo-tool-2.0-1.fc41']);
    expect((await client.updatesOfBuilds(['libfoo-2.0-1.fc41', 'libfoo-2.0-2.fc41'])).map((u) => u.alias)).toEqual([
      made.alias,
    ]);
    // An edit may not take a build of another update, nor edit an update Bodhi does not have.
    expect(
      (await failure(client.editUpdate(made.alias, { builds: ['python-ogr-0.34.0-1.fc41'], notes: 'x' }))).message,
    ).toMatch(/Update for python-ogr-0.34.0-1.fc41 already exists/);
    expect(
      (await failure(client.editUpdate('FEDORA-2026-0000000000', { builds: ['x-1-1.fc41'], notes: 'x' }))).message,
    ).toMatch(/Cannot find update to edit/);
  });
});

describe('BodhiClient authentication', () => {
  it('is refused with a wrong client secret, and the secret is not in the message', async () => {
    const wrong = new BodhiClient({
      baseUrl: bodhi.url,
      oidc: { tokenUrl: bodhi.tokenUrl, clientId: 'packflow-bodhi', clientSecret: 'not-the-secret' },
    });
    const error = await failure(wrong.createUpdate({ builds: ['x-1-1.fc41'], notes: 'n' }));
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).not.toContain('not-the-secret');
    expect(bodhi.updates.some((u) => u.title === 'x-1-1.fc41')).toBe(false);
  });

  it("refuses a write without a session or with another session's CSRF token", async () => {
    const anonymous = await fetch(`${bodhi.url}/updates/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'builds=y-1-1.fc41&notes=n&csrf_token=abc',
    });
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toEqual({
      status: 'error',
      errors: [{ location: 'cookies', name: 'user', description: 'No ACLs for anonymous user' }],
    });

    const token = await fetch(bodhi.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=packflow-bodhi&client_secret=oidc-secret-1',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const login = await fetch(`${bodhi.url}/oidc/login-token`, {
      headers: { authorization: `Bearer ${token.access_token}` },
    });
    const cookie = login.headers.getSetCookie()[0].split(';')[0];
    const stale = await fetch(`${bodhi.url}/updates/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: 'builds=y-1-1.fc41&notes=n&csrf_token=not-this-sessions',
    });
    expect(stale.status).toBe(400);
    expect(await stale.json()).toMatchObject({
      errors: [
        { location: 'body', name: 'csrf_token', description: expect.stringMatching(/^CSRF tokens do not match/) },
      ],
    });
    expect(bodhi.updates.some((u) => u.title === 'y-1-1.fc41')).toBe(false);
  });

  it('opens a new session when the old one ended', async () => {
    await client.createUpdate({ builds: ['before-1-1.fc41'], notes: 'n' });
    bodhi.expireAuth();
    const [after] = await client.createUpdate({ builds: ['after-1-1.fc41'], notes: 'n' });
    expect(after.builds).toEqual([expect.objectContaining({ nvr: 'after-1-1.fc41' })]);
  });
});
