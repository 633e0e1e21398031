// Conformance of the fakes with the real services: the Copr messages the fake sends have
// the keys and value types of the real copr_build_start/end messages, the Testing Farm
// request the fake answers has the shape of a real results.json, its notification the
// keys of the real notification.json; packflow's own parsers accept what the fakes send;
// and the client's xunit reader reads the real xunit files. The forge fakes are checked in
// @packflow/forges (fakes.conformance.ts there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseMessage, parseTestingFarm } from '@packflow/events';
import {
  CallbackReceiver,
  FakeCopr,
  FakeTestingFarm,
  jsonKind as kind,
  shapeDiff,
  sharedFixturesDir,
} from '@packflow/testing';
import { CoprClient, TestingFarmClient, parseXunit } from './index.js';

const fixtures = sharedFixturesDir()!;
const fixture = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

let receiver: CallbackReceiver;
let copr: FakeCopr;
let tf: FakeTestingFarm;

beforeAll(async () => {
  receiver = await CallbackReceiver.start();
  copr = await FakeCopr.start({
    login: 'packit',
    token: 'copr-token-c1',
    messages: { url: `${receiver.url}/webhooks/messages`, token: 'bus' },
  });
  tf = await FakeTestingFarm.start({ apiKey: 'tf-key-c1' });
});

afterAll(async () => {
  await Promise.all([copr.close(), tf.close(), receiver.close()]);
});

describe('fake Copr messages', () => {
  it('have the keys and types of the real SRPM and RPM build start/end messages, and parse as Copr events', async () => {
    const client = new CoprClient({ baseUrl: copr.url, login: 'packit', token: 'copr-token-c1' });
    await client.ensureProject({
      owner: 'packit',
      project: 'packit-service-hello-world-24',
      chroots: ['fedora-rawhide-x86_64'],
    });
    const build = await client.submitSrpmBuild({
      owner: 'packit',
      project: 'packit-service-hello-world-24',
      script: 'true',
    });
    const srpmStart = (await copr.startBuild(build.id, 'srpm-builds')).payload;
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    const rpmStart = (await copr.startBuild(build.id, 'fedora-rawhide-x86_64')).payload;
    const rpmEnd = (await copr.finishBuild(build.id, 'fedora-rawhide-x86_64', 'succeeded')).payload;

    // Exact types where the real message has a value: a null there (pkg, version of an
    // SRPM build start) must be null in ours too.
    const exact = (real: Record<string, unknown>, ours: Record<string, unknown>) => {
      expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
      expect(Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, kind(v)]))).toEqual(
        Object.fromEntries(Object.entries(real).map(([k, v]) => [k, kind(v)])),
      );
    };
    exact(
      fixture('messages/srpm_build_start.json') as Record<string, unknown>,
      srpmStart as unknown as Record<string, unknown>,
    );
    exact(
      fixture('messages/copr_build_start.json') as Record<string, unknown>,
      rpmStart as unknown as Record<string, unknown>,
    );
    exact(
      fixture('messages/copr_build_end.json') as Record<string, unknown>,
      rpmEnd as unknown as Record<string, unknown>,
    );
    expect(rpmEnd).toMatchObject({
      topic: 'org.fedoraproject.prod.copr.build.end',
      status: 1,
      build: build.id,
      owner: 'packit',
      copr: 'packit-service-hello-world-24',
    });
    expect(rpmStart.what).toMatch(
      /^build start: user:packit copr:packit-service-hello-world-24 pkg:hello build:\d+ ip:\S+ pid:\d+$/,
    );

    expect(parseMessage(srpmStart)).toMatchObject({
      type: 'copr.build_start',
      copr: { buildId: String(build.id), chroot: 'srpm-builds', srpm: true, status: 'running' },
    });
    expect(parseMessage(rpmEnd)).toMatchObject({
      type: 'copr.build_end',
      copr: {
        buildId: String(build.id),
        chroot: 'fedora-rawhide-x86_64',
        srpm: false,
        status: 'succeeded',
        pkg: 'hello',
      },
    });
    expect(receiver.on('/webhooks/messages').map((m) => m.body)).toEqual([
      srpmStart,
      expect.anything(),
      rpmStart,
      rpmEnd,
    ]);
  });
});

describe('fake Testing Farm', () => {
  it('answers a finished request in the shape of a real results.json and notifies with the keys of the real notification', async () => {
    const client = new TestingFarmClient({ baseUrl: tf.url, apiKey: 'tf-key-c1' });
    const { id } = await client.submitRequest({
      fmf: { url: 'https://github.com/packit/packit', ref: 'e7e3c8b688403048e7aefa64c19b79e89fe764df', plan: '/' },
      environment: {
        compose: 'Fedora-32',
        arch: 'x86_64',
        coprBuild: { buildId: 1810530, chroot: 'fedora-32-x86_64' },
      },
      notification: { url: `${receiver.url}/webhooks/testing-farm`, token: 'secret-token' },
    });
    await tf.start(id);
    const notification = (await tf.finish(id, 'passed', [{ name: '/script-00', result: 'passed' }])).payload;
    const ours = await (await fetch(`${tf.url}/v0.1/requests/${id}`)).json();

    // `result.xunit_url` is where newer Testing Farm results give the xunit.
    expect(shapeDiff(fixture('testing-farm/results.json'), ours, ['$.result.xunit_url'])).toEqual([]);
    expect(ours).toMatchObject({
      id,
      state: 'complete',
      environments_requested: [{ artifacts: [{ id: '1810530:fedora-32-x86_64', type: 'fedora-copr-build' }] }],
      result: { overall: 'passed' },
    });

    const real = fixture('testing-farm/notification.json') as Record<string, unknown>;
    expect(shapeDiff(real, notification)).toEqual([]);
    expect(Object.keys(notification).sort()).toEqual(Object.keys(real).sort());
    expect(parseTestingFarm(notification)).toMatchObject({
      type: 'testing_farm.notification',
      testingFarm: { requestId: id },
    });
  });

  it('lists requests (GET /requests?created_after=…) in the shape of a real results.json, with their variables', async () => {
    const client = new TestingFarmClient({ baseUrl: tf.url, apiKey: 'tf-key-c1' });
    const since = new Date(Date.now() - 1000);
    const { id } = await client.submitRequest({
      fmf: { url: 'https://github.com/packit/packit', ref: 'e7e3c8b688403048e7aefa64c19b79e89fe764df', plan: '/' },
      environment: {
        compose: 'Fedora-32',
        arch: 'x86_64',
        coprBuild: { buildId: 1810530, chroot: 'fedora-32-x86_64' },
        variables: { PACKFLOW_IDEMPOTENCY_KEY: 'pf:1:2:x:1' },
      },
    });
    await tf.finish(id, 'passed', [{ name: '/script-00', result: 'passed' }]);
    const listed = (await (await fetch(`${tf.url}/v0.1/requests?created_after=${since.toISOString()}`)).json()) as {
      id: string;
    }[];
    const ours = listed.find((r) => r.id === id);
    expect(shapeDiff(fixture('testing-farm/results.json'), ours, ['$.result.xunit_url'])).toEqual([]);
    expect((await client.listRequests(since)).find((r) => r.id === id)?.variables).toEqual({
      PACKFLOW_IDEMPOTENCY_KEY: 'pf:1:2:x:1',
    });
    expect(await client.listRequests(new Date(Date.now() + 60_000))).toEqual([]);
  });

  it("lets the client's xunit reader read the real xunit files", () => {
    const results = fixture('testing-farm/results.json') as { result: { xunit: string } };
    const inline = parseXunit(results.result.xunit);
    expect(inline.overall).toBe('passed');
    expect(inline.tests.length).toBeGreaterThan(0);
    for (const t of inline.tests) {
      expect(t).toMatchObject({ name: expect.stringMatching(/^\/script-\d+$/), result: 'passed' });
      expect(t.logUrl).toMatch(/^http:\/\/artifacts\.dev\.testing-farm\.io\/.+\/out\.log$/);
    }
    const file = parseXunit(readFileSync(join(fixtures, 'testing-farm/request_result_xunit.xml'), 'utf8'));
    expect(file.tests.map((t) => [t.name, t.result])).toEqual(inline.tests.map((t) => [t.name, t.result]));
  });
});
