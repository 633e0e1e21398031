// TestingFarmClient against the fake Testing Farm (API v0.1 over HTTP): submit with the
// Copr build as artifact and a notification webhook, notifications on start and finish,
// per-test results from the xunit (inline or by URL), cancel, and failure mapping.
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { CallbackReceiver, FakeTestingFarm } from '@packflow/testing';
import { TestingFarmClient, testOutcome, type TestRequestInput } from '../index.js';

let tf: FakeTestingFarm;
let receiver: CallbackReceiver;
let client: TestingFarmClient;

const input = (token: string): TestRequestInput => ({
  fmf: { url: 'https://github.com/acme/widget', ref: '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd', plan: '/plans/smoke' },
  environment: {
    compose: 'Fedora-41',
    arch: 'x86_64',
    coprBuild: { buildId: 1_000_042, chroot: 'fedora-41-x86_64' },
    variables: { PACKIT_COMMIT_SHA: '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd' },
    tmtContext: { distro: 'fedora-41', arch: 'x86_64', trigger: 'commit', initiator: 'packit' },
  },
  notification: { url: `${receiver.url}/webhooks/testing-farm`, token },
});

beforeAll(async () => {
  receiver = await CallbackReceiver.start();
  tf = await FakeTestingFarm.start({ apiKey: 'tf-secret-key-1' });
  client = new TestingFarmClient({ baseUrl: tf.url, apiKey: 'tf-secret-key-1' });
});

afterAll(async () => {
  await tf.close();
  await receiver.close();
});

/** The ExternalServiceError a call fails with (the test fails when it succeeds). */
async function failed(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('TestingFarmClient', () => {
  it('submits a request with the Copr build as artifact and the notification webhook', async () => {
    const submitted = await client.submitRequest(input('notify-token-1'));
    expect(submitted).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      state: 'new',
      webUrl: `${tf.url}/v0.1/requests/${submitted.id}`,
    });
    const stored = tf.testRequest(submitted.id);
    expect(stored.fmf).toEqual({
      url: 'https://github.com/acme/widget',
      ref: '0e5d8b51fd5dfa460605e1497d22a76d65c6d7fd',
      path: '.',
      name: '/plans/smoke',
    });
    expect(stored.environments[0]).toMatchObject({
      arch: 'x86_64',
      compose: 'Fedora-41',
      artifacts: [{ id: '1000042:fedora-41-x86_64', type: 'fedora-copr-build' }],
    });
    expect(stored.request).toMatchObject({
      notification: { webhook: { url: `${receiver.url}/webhooks/testing-farm`, token: 'notify-token-1' } },
    });
    expect(tf.requests.at(-1)!.headers.authorization).toBe('Bearer tf-secret-key-1');

    const fresh = await client.getRequest(submitted.id);
    expect(fresh).toMatchObject({ state: 'new', overall: null, tests: [], xunitUrl: null });
    expect(testOutcome(fresh)).toBe('waiting');
  });

  it('is notified when the request runs and ends, and reads every test case from the xunit', async () => {
    const { id } = await client.submitRequest(input('notify-token-2'));
    await tf.start(id);
    expect(testOutcome(await client.getRequest(id))).toBe('running');
    await tf.finish(id, 'failed', [
      { name: '/tests/smoke', result: 'passed', durationSeconds: 3 },
      { name: '/tests/upgrade', result: 'failed', durationSeconds: 41 },
      { name: '/tests/docs', result: 'skipped', plan: '/plans/docs' },
    ]);
    const done = await client.getRequest(id);
    expect(done).toMatchObject({
      state: 'complete',
      overall: 'failed',
      summary: '1 passed, 1 failed, 1 skipped',
      xunitUrl: `${tf.url}/artifacts/${id}/results.xml`,
      artifactsUrl: `${tf.url}/artifacts/${id}`,
    });
    expect(testOutcome(done)).toBe('failure');
    expect(done.tests.map((t) => [t.plan, t.name, t.result, t.durationSeconds])).toEqual([
      ['/plans/default', '/tests/smoke', 'passed', 3],
      ['/plans/default', '/tests/upgrade', 'failed', 41],
      ['/plans/docs', '/tests/docs', 'skipped', null],
    ]);
    expect(done.tests[1].logUrl).toMatch(/\/tests\/upgrade\/out\.log$/);

    const notes = receiver
      .on('/webhooks/testing-farm')
      .filter((n) => (n.body as { request_id: string }).request_id === id);
    expect(notes.map((n) => n.body)).toEqual([
      { request_id: id, token: 'notify-token-2', source: 'testing-farm' },
      { request_id: id, token: 'notify-token-2', source: 'testing-farm' },
    ]);
  });

  it('reads the xunit from its URL when the request has none inline', async () => {
    const plain = await FakeTestingFarm.start({ apiKey: 'k-123456', inlineXunit: false });
    try {
      const c = new TestingFarmClient({ baseUrl: `${plain.url}/v0.1`, apiKey: 'k-123456' });
      const { id } = await c.submitRequest({ ...input('t-1'), notification: undefined });
      await plain.finish(id, 'passed');
      const done = await c.getRequest(id);
      expect(done.tests).toEqual([expect.objectContaining({ name: '/tests/smoke', result: 'passed' })]);
      expect(plain.requests.some((r) => r.path === `/artifacts/${id}/results.xml`)).toBe(true);
      expect(testOutcome(done)).toBe('success');
    } finally {
      await plain.close();
    }
  });

  it('reports an infrastructure error as state error', async () => {
    const { id } = await client.submitRequest(input('notify-token-3'));
    await tf.finish(id, 'error');
    const done = await client.getRequest(id);
    expect(done).toMatchObject({ state: 'error', overall: 'error', tests: [] });
    expect(testOutcome(done)).toBe('error');
  });

  it('cancels a request; cancelling it again is refused and final', async () => {
    const { id } = await client.submitRequest(input('notify-token-4'));
    await client.cancelRequest(id);
    expect(testOutcome(await client.getRequest(id))).toBe('cancelled');
    await expect(client.cancelRequest(id)).rejects.toMatchObject({ status: 409, retryable: false });
  });
});

describe('TestingFarmClient errors', () => {
  it('answers 503 with Retry-After as retryable, and 404 as final', async () => {
    tf.failNext({ status: 503, retryAfter: 2, method: 'POST' });
    const busy = await failed(client.submitRequest(input('notify-token-5')));
    expect(busy).toMatchObject({ status: 503, retryable: true, retryAfterMs: 2000 });
    expect((busy as Error).message).toMatch(
      /^testing-farm: submit test request for https:\/\/github\.com\/acme\/widget plan \/plans\/smoke on Fedora-41\/x86_64 failed: 503/,
    );
    await expect(client.getRequest('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      status: 404,
      retryable: false,
    });
  });

  it('answers a bad API key as final, naming neither the key nor the notification token', async () => {
    const wrong = new TestingFarmClient({ baseUrl: tf.url, apiKey: 'wrong-tf-key-9' });
    const error = await failed(wrong.submitRequest(input('notify-token-6')));
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(inspect(error, { depth: 10 })).not.toMatch(/wrong-tf-key-9|notify-token-6/);
  });

  it('answers an invalid request as final with what Testing Farm said', async () => {
    const error = await failed(
      client.submitRequest({
        ...input('t'),
        environment: { ...input('t').environment, compose: undefined as unknown as string },
      }),
    );
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain('environments.0.os.compose');
  });
});
