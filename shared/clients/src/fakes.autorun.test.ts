// The fakes' realistic mode (the sandbox of `pnpm start`), through the real clients: Copr
// builds the SRPM, then the chroots, by itself, sends each start and end message, writes
// each chroot's log at the URL the client gives and serves the build's page; a cancelled
// build stops. Testing Farm runs a request by itself, notifies twice and serves its
// artifacts page.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CallbackReceiver, FakeCopr, FakeTestingFarm, waitFor } from '@packflow/testing';
import { CoprClient, TestingFarmClient } from './index.js';

let receiver: CallbackReceiver;
let copr: FakeCopr;
let tf: FakeTestingFarm;
beforeAll(async () => {
  receiver = await CallbackReceiver.start();
  copr = await FakeCopr.start({
    messages: { url: `${receiver.url}/copr`, token: 'messages-token' },
    autoRun: { stepMs: 40, result: (_build, chroot) => (chroot === 'fedora-41-x86_64' ? 'failed' : 'succeeded') },
  });
  tf = await FakeTestingFarm.start({ autoRun: { stepMs: 40, result: () => 'failed' } });
});
afterAll(async () => {
  await Promise.all([copr.close(), tf.close(), receiver.close()]);
});

describe('the fake Copr with autoRun', () => {
  const client = () => new CoprClient({ baseUrl: copr.url, login: copr.login, token: copr.token });
  const chroots = ['fedora-41-x86_64', 'fedora-42-x86_64'];

  it('builds the SRPM, then each chroot, with messages, logs and a build page', async () => {
    await client().ensureProject({ owner: 'packit', project: 'auto', chroots });
    const build = await client().submitSrpmBuild({ owner: 'packit', project: 'auto', script: '#!/bin/sh', chroots });
    const states = await waitFor(async () => {
      const all = await Promise.all(chroots.map((c) => client().getBuildChroot(build.id, c)));
      return all.every((c) => c.state === 'failed' || c.state === 'succeeded') ? all : undefined;
    });
    expect(states.map((c) => c.state)).toEqual(['failed', 'succeeded']);
    // A chroot's state is final before its end message has been delivered (as in Copr,
    // where the API and the message bus are not in step): wait for the six messages.
    const sent = await waitFor(
      () => {
        const ours = copr.messagesSent.filter((m) => m.payload.build === build.id);
        return ours.length >= 6 ? ours : undefined;
      },
      { what: 'the six messages of the build' },
    );
    expect(sent.slice(0, 2).map((m) => `${m.payload.chroot} ${m.payload.topic.split('.').pop()}`)).toEqual([
      'srpm-builds start',
      'srpm-builds end',
    ]);
    // Each chroot started after the SRPM ended, and ended after it started.
    const at = (chroot: string, event: string) =>
      sent.findIndex((m) => m.payload.chroot === chroot && m.payload.topic.endsWith(event));
    for (const c of chroots) {
      expect(at(c, 'start')).toBeGreaterThan(at('srpm-builds', 'end'));
      expect(at(c, 'end')).toBeGreaterThan(at(c, 'start'));
    }
    expect(sent).toHaveLength(6);
    expect(sent.every((m) => m.status === 202)).toBe(true);
    const log = await fetch(states[0].logUrl!);
    expect(log.status).toBe(200);
    expect(await log.text()).toMatch(/started in fedora-41-x86_64\n.*\n.*Bad exit status.*\n.*Finished: failed\n$/);
    const page = await fetch(client().buildWebUrl('packit', 'auto', build.id));
    expect(await page.text()).toContain(`<h1>Build ${build.id}: failed</h1>`);
  });

  it('stops a cancelled build', async () => {
    const build = await client().submitSrpmBuild({ owner: 'packit', project: 'auto', script: '#!/bin/sh', chroots });
    await client().cancelBuild(build.id);
    const later = await client().submitSrpmBuild({ owner: 'packit', project: 'auto', script: '#!/bin/sh', chroots });
    await waitFor(async () => (await client().getBuild(later.id)).state === 'failed');
    expect((await client().getBuild(build.id)).state).toBe('canceled');
    expect(copr.messagesSent.filter((m) => m.payload.build === build.id)).toEqual([]);
  });
});

describe('the fake Testing Farm with autoRun', () => {
  it('runs a request by itself, notifies as it starts and ends, and serves its artifacts', async () => {
    const client = new TestingFarmClient({ baseUrl: tf.url, apiKey: tf.apiKey });
    const { id } = await client.submitRequest({
      fmf: { url: 'https://github.com/acme/widget', ref: 'abc' },
      environment: { compose: 'Fedora-42', arch: 'x86_64', coprBuild: { buildId: 1, chroot: 'fedora-42-x86_64' } },
      notification: { url: `${receiver.url}/tf`, token: 'tf-token' },
    });
    const done = await waitFor(async () => {
      const r = await client.getRequest(id);
      return r.state === 'complete' ? r : undefined;
    });
    expect(done.overall).toBe('failed');
    // The request is complete before its second notification has been delivered.
    await waitFor(() => tf.notificationsSent.length >= 2, { what: 'the two notifications' });
    expect(tf.notificationsSent.map((n) => [n.payload.request_id, n.status])).toEqual([
      [id, 202],
      [id, 202],
    ]);
    const page = await fetch(done.artifactsUrl!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Testing Farm request ${id}: complete`);
  });
});
