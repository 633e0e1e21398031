// Sign-in with the forge account, against a real PostgreSQL and the fake GitHub and GitLab
// (their OAuth endpoints driven by the real flow): the session cookie and its attributes,
// the state check, sign-out, session expiry, the CSRF check on POSTs a cookie authorizes,
// and reruns by a signed-in person (allowed, refused, signed out), with what the dashboard
// asks first (GET /me, GET /pipelines/{id}/permissions).
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTokenRepository } from '@packflow/core';
import { FakeGithub, FakeGitlab } from '@packflow/forges/testing';
import type { RunningService } from '@packflow/platform';
import {
  createTestDatabase,
  freePort,
  recordingLogger,
  seedPipelineScenario,
  testNatsUrl,
  type SeededScenario,
  type TestDatabase,
} from '@packflow/testing';
import { startWeb } from '../index.js';

let db: TestDatabase;
let web: RunningService;
let github: FakeGithub;
let gitlab: FakeGitlab;
let s: SeededScenario;
let base: string;
const { logger, lines } = recordingLogger();
const GITHUB_APP = { clientId: 'Iv1.github-client', clientSecret: 'github-secret' };
const GITLAB_APP = { clientId: 'gitlab-application-id', clientSecret: 'gitlab-secret' };

beforeAll(async () => {
  const keys = (await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })) as { privateKey: string; publicKey: string };
  github = (await FakeGithub.start({ appId: 41, appKey: keys.publicKey, defaultRole: 'read' })).useOwnWebUrl();
  github.setPermission('packit/hello-world', 'writer', 'write');
  github.setPermission('packit/hello-world', 'reader', 'read');
  gitlab = (await FakeGitlab.start()).useOwnWebUrl();
  db = await createTestDatabase();
  s = await seedPipelineScenario(db.pool());
  // The project lives on the fake GitHub, the instance people sign in on.
  await db.pool().query(`update shared.projects set instance_url = $1`, [github.url]);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  github.oauth.registerApp({ ...GITHUB_APP, callbackUrl: `${base}/api/v1/auth/github/callback` });
  gitlab.oauth.registerApp({ ...GITLAB_APP, callbackUrl: `${base}/api/v1/auth/gitlab/callback` });
  web = await startWeb({
    env: {
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      WEB_PORT: String(port),
      WEB_PUBLIC_URL: base,
      GITHUB_APP_ID: '41',
      GITHUB_APP_PRIVATE_KEY: keys.privateKey,
      GITHUB_API_URL: github.url,
      GITHUB_INSTANCE_URL: github.url,
      GITHUB_OAUTH_CLIENT_ID: GITHUB_APP.clientId,
      GITHUB_OAUTH_CLIENT_SECRET: GITHUB_APP.clientSecret,
      GITLAB_URL: gitlab.url,
      GITLAB_OAUTH_CLIENT_ID: GITLAB_APP.clientId,
      GITLAB_OAUTH_CLIENT_SECRET: GITLAB_APP.clientSecret,
    },
    logger,
  });
});
afterAll(async () => {
  await web?.close();
  await github?.close();
  await gitlab?.close();
  await db?.drop();
});

type Json = Record<string, unknown>;
/** Every session token, CSRF token and OAuth code handed out: none may be logged. */
const secrets: string[] = [GITHUB_APP.clientSecret, GITLAB_APP.clientSecret];
const cookieOf = (setCookie: string) => setCookie.split(';')[0];

async function call(path: string, init: { method?: string; cookie?: string; headers?: Json; body?: unknown } = {}) {
  const response = await fetch(path.startsWith('http') ? path : `${base}${path}`, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string>),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await response.text();
  return {
    status: response.status,
    location: response.headers.get('location') ?? undefined,
    cookies: response.headers.getSetCookie(),
    body: (text ? JSON.parse(text) : undefined) as Json,
  };
}

/** The browser's trip: packflow -> the forge's authorize page -> packflow's callback. */
async function startSignIn(forge: 'github' | 'gitlab', returnTo = '/pipelines/1') {
  const begin = await call(`/api/v1/auth/${forge}/sign-in?return_to=${encodeURIComponent(returnTo)}`);
  expect(begin.status).toBe(302);
  const authorize = await call(begin.location!);
  expect(authorize.status).toBe(302);
  return { stateCookie: cookieOf(begin.cookies[0]), callback: authorize.location!, begin };
}

async function signIn(forge: 'github' | 'gitlab', login: string) {
  (forge === 'github' ? github : gitlab).oauth.browserUser = login;
  const { stateCookie, callback } = await startSignIn(forge);
  const done = await call(callback, { cookie: stateCookie });
  expect(done.status).toBe(302);
  const session = done.cookies.find((c) => c.startsWith('pf_session='))!;
  const cookie = cookieOf(session);
  const me = await call('/api/v1/me', { cookie });
  secrets.push(
    cookie.slice('pf_session='.length),
    me.body.csrfToken as string,
    new URL(callback).searchParams.get('code')!,
  );
  return { cookie, csrf: me.body.csrfToken as string, done, session, me };
}

describe('sign-in with the forge account', () => {
  it('signs a GitHub person in: a session cookie that is HttpOnly, Secure and SameSite=Lax, and GET /me', async () => {
    const { done, session, me } = await signIn('github', 'writer');
    expect(done.location).toBe('/pipelines/1');
    expect(session).toMatch(/^pf_session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure$/);
    expect(me.body).toEqual({
      user: { forge: 'github', instanceUrl: github.url, login: 'writer' },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      signIn: [
        { forge: 'github', url: '/api/v1/auth/github/sign-in' },
        { forge: 'gitlab', url: '/api/v1/auth/gitlab/sign-in' },
      ],
    });
    // The authorize request carried the registered callback and the state packflow keeps in its cookie.
    const authorize = github.requests.filter((r) => r.path === '/login/oauth/authorize').pop()!;
    const query = new URLSearchParams(authorize.query);
    expect(query.get('redirect_uri')).toBe(`${base}/api/v1/auth/github/callback`);
    expect(query.get('client_id')).toBe(GITHUB_APP.clientId);
    // Only the token's digest is stored; no forge token at all.
    const { rows } = await db.pool().query(`select * from shared.web_sessions where login = 'writer'`);
    expect(JSON.stringify(rows)).not.toContain(cookieOf(session).slice('pf_session='.length));
  });

  it('signs a GitLab person in', async () => {
    const { me } = await signIn('gitlab', 'mergey');
    expect(me.body.user).toEqual({ forge: 'gitlab', instanceUrl: gitlab.url, login: 'mergey' });
    const token = gitlab.requests.filter((r) => r.path === '/oauth/token').pop()!;
    expect(token.status).toBe(200);
  });

  it('refuses a callback whose state is not the one this browser started with, or that has no state cookie', async () => {
    github.oauth.browserUser = 'writer';
    const { stateCookie, callback } = await startSignIn('github');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'attacker-state');
    const wrong = await call(forged.toString(), { cookie: stateCookie });
    expect(wrong).toMatchObject({ status: 400, body: { code: 'validation_failed', errors: [{ pointer: '/state' }] } });
    expect(wrong.cookies.some((c) => c.startsWith('pf_session='))).toBe(false);
    expect(await call(callback)).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('refuses a used code: the forge answers bad_verification_code and no session starts', async () => {
    github.oauth.browserUser = 'writer';
    const first = await startSignIn('github');
    expect((await call(first.callback, { cookie: first.stateCookie })).status).toBe(302);
    // The same code again, with a fresh state of this browser.
    const second = await startSignIn('github');
    const replay = new URL(first.callback);
    replay.searchParams.set('state', new URL(second.callback).searchParams.get('state')!);
    const answer = await call(replay.toString(), { cookie: second.stateCookie });
    expect(answer).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: expect.stringContaining('bad_verification_code') },
    });
    expect(answer.cookies.some((c) => c.startsWith('pf_session=') && !c.includes('Max-Age=0'))).toBe(false);
  });

  it('passes on what the forge refused (the person declined): 401 naming the forge error', async () => {
    github.oauth.browserUser = 'writer';
    const { stateCookie, callback } = await startSignIn('github');
    const declined = new URL(callback);
    declined.searchParams.delete('code');
    declined.searchParams.set('error', 'access_denied');
    expect(await call(declined.toString(), { cookie: stateCookie })).toMatchObject({
      status: 401,
      body: { code: 'unauthorized', message: expect.stringContaining('access_denied') },
    });
  });

  it('never goes back to another site after signing in', async () => {
    github.oauth.browserUser = 'writer';
    const { stateCookie, callback } = await startSignIn('github', '//evil.example/x');
    expect((await call(callback, { cookie: stateCookie })).location).toBe('/');
  });

  it('answers 404 for a forge it does not know', async () => {
    expect(await call('/api/v1/auth/pagure/sign-in')).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});

describe('sessions: sign-out and expiry', () => {
  it('signs out with the CSRF token: the session row and the cookie are gone', async () => {
    const { cookie, csrf } = await signIn('github', 'writer');
    expect(await call('/api/v1/auth/sign-out', { method: 'POST', cookie })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: expect.stringContaining('x-csrf-token') },
    });
    const out = await call('/api/v1/auth/sign-out', { method: 'POST', cookie, headers: { 'x-csrf-token': csrf } });
    expect(out.status).toBe(204);
    expect(out.cookies).toEqual([
      expect.stringMatching(/^pf_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Lax; Secure$/),
    ]);
    expect((await call('/api/v1/me', { cookie })).body.user).toBeNull();
  });

  it('forgets an expired session', async () => {
    const { cookie } = await signIn('github', 'expiring');
    expect((await call('/api/v1/me', { cookie })).body.user).toMatchObject({ login: 'expiring' });
    await db
      .pool()
      .query(`update shared.web_sessions set expires_at = now() - interval '1 second' where login = 'expiring'`);
    const me = await call('/api/v1/me', { cookie });
    expect(me.body).toEqual({ user: null, signIn: expect.any(Array) });
  });
});

describe('reruns by a signed-in person', () => {
  const rerun = (init: { cookie?: string; csrf?: string; scope?: string } = {}) =>
    call(`/api/v1/pipelines/${s.pipelineId}/reruns`, {
      method: 'POST',
      cookie: init.cookie,
      headers: init.csrf !== undefined ? { 'x-csrf-token': init.csrf } : {},
      body: { scope: init.scope ?? 'all' },
    });

  it('refuses a POST the cookie authorizes without the CSRF token, or with a wrong one: 403, nothing started', async () => {
    const { cookie, csrf } = await signIn('github', 'writer');
    const before = await db.pool().query(`select count(*)::int as n from shared.pipelines`);
    expect(await rerun({ cookie })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: expect.stringContaining('CSRF') },
    });
    expect(await rerun({ cookie, csrf: `${csrf.slice(0, -1)}x` })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: expect.stringContaining('CSRF') },
    });
    // Another session's token is not this session's.
    const other = await signIn('github', 'reader');
    expect((await rerun({ cookie, csrf: other.csrf })).status).toBe(403);
    expect((await db.pool().query(`select count(*)::int as n from shared.pipelines`)).rows).toEqual(before.rows);
  });

  it('lets a collaborator with write access rerun: permissions say so, and the rerun is 201', async () => {
    const { cookie, csrf } = await signIn('github', 'writer');
    expect((await call(`/api/v1/pipelines/${s.pipelineId}/permissions`, { cookie })).body).toEqual({ rerun: true });
    const answer = await rerun({ cookie, csrf, scope: 'failed' });
    expect(answer).toMatchObject({ status: 201, body: { rerunOf: s.pipelineId, rerunKind: 'failed' } });
  });

  it('refuses a person the forge gives only read access: 403 naming the project, and no buttons', async () => {
    const { cookie, csrf } = await signIn('github', 'reader');
    const permissions = await call(`/api/v1/pipelines/${s.pipelineId}/permissions`, { cookie });
    expect(permissions.body).toEqual({ rerun: false, reason: expect.stringContaining('packit/hello-world') });
    expect(await rerun({ cookie, csrf })).toMatchObject({
      status: 403,
      body: { code: 'forbidden', message: expect.stringContaining('packit/hello-world') },
    });
  });

  it('refuses a person signed in on another forge', async () => {
    const { cookie, csrf } = await signIn('gitlab', 'writer');
    expect(await rerun({ cookie, csrf })).toMatchObject({
      status: 403,
      body: { message: expect.stringContaining('packit/hello-world') },
    });
  });

  it('answers a signed-out visitor 401, and their permissions say to sign in', async () => {
    expect(await rerun()).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    const permissions = await call(`/api/v1/pipelines/${s.pipelineId}/permissions`);
    expect(permissions.body).toEqual({ rerun: false, reason: expect.stringContaining('signed in') });
  });
});

describe('a web without the forge identity', () => {
  it('answers a rerun 503 naming the missing settings, in the one error body', async () => {
    const bare = await startWeb({ env: { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), WEB_PORT: '0' }, logger });
    try {
      const { token } = await new ApiTokenRepository(db.pool()).create({ forge: 'github', login: 'writer' });
      const response = await fetch(`${bare.url}/api/v1/pipelines/${s.pipelineId}/reruns`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ scope: 'all' }),
      });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        code: 'not_configured',
        message: expect.stringContaining('GITHUB_APP_ID'),
      });
      // Signing in where no OAuth app is configured says which settings to add.
      const signIn = await fetch(`${bare.url}/api/v1/auth/github/sign-in`, { redirect: 'manual' });
      expect(signIn.status).toBe(503);
      expect(await signIn.json()).toEqual({
        code: 'not_configured',
        message: expect.stringContaining('GITHUB_OAUTH_CLIENT_ID'),
      });
    } finally {
      await bare.close();
    }
  });
});

describe('the logs', () => {
  it('hold no session token, CSRF token, OAuth code or client secret', () => {
    expect(lines.some((l) => l.message === 'signed in')).toBe(true);
    const logged = JSON.stringify(lines);
    expect(secrets.length).toBeGreaterThan(10);
    expect(secrets.filter((secret) => logged.includes(secret))).toEqual([]);
  });
});
