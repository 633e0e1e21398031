// Conformance of the fake Pagure with the real one: the bus messages it sends for a new pull
// request and a flag have the keys and value types of the real messages (fixtures
// messages/pagure_pr_new.json, pagure_pr_flag_updated.json), and @packflow/events' message
// parser reads them as it reads the real ones.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { planEventOf } from '@packflow/config';
import { parseMessage } from '@packflow/events';
import { shapeDiff, sharedFixturesDir } from '@packflow/testing';
import { PagureForge, pagureDriver, planEventOfWebhook, webhookDriverOf } from '../index.js';
import { FakePagure } from '../testing.js';

const fixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(sharedFixturesDir()!, path), 'utf8')) as Record<string, unknown>;

let pagure: FakePagure;

beforeAll(async () => {
  pagure = await FakePagure.start({ tokens: { 'token-zbyszek': 'zbyszek', 'token-zuul': 'zuul' } });
  pagure.addProject('rpms/optee_os', { owner: 'eballetbo', files: { 'optee_os.spec': 'Name: optee_os\n' } });
});

afterAll(async () => {
  await pagure.close();
});

describe('fake Pagure messages', () => {
  it('for a new pull request and a flag have the shape of the real ones and parse as they do', async () => {
    const zbyszek = new PagureForge({ instanceUrl: pagure.url, token: 'token-zbyszek' });
    const repo = { namespace: 'rpms', repo: 'optee_os' };
    await zbyszek.ensureFork(repo);
    pagure.git.git('forks/zbyszek/rpms/optee_os', 'branch', 'build-only-on-aarch64', 'rawhide');
    const pr = await zbyszek.createPullRequest(repo, {
      title: 'Only build on aarch64',
      body: 'Previously the package was "built" on all architectures',
      targetBranch: 'rawhide',
      sourceBranch: 'build-only-on-aarch64',
      forkOwner: 'zbyszek',
    });
    const zuul = new PagureForge({ instanceUrl: pagure.url, token: 'token-zuul', flagUsername: 'Zuul' });
    await zuul.setPullRequestFlag(repo, pr.id, {
      name: 'zuul',
      status: 'pending',
      comment: 'Jobs running',
      url: 'https://zuul.example/b/1',
    });
    await zuul.setPullRequestFlag(repo, pr.id, {
      name: 'zuul',
      status: 'success',
      comment: 'Jobs result is success',
      url: 'https://zuul.example/b/1',
    });

    const [created, , updated] = pagure.messagesSent.map((m) => m.payload);
    const realNew = fixture('messages/pagure_pr_new.json');
    expect(shapeDiff(realNew, created)).toEqual([]);
    const realFlag = fixture('messages/pagure_pr_flag_updated.json');
    expect(Object.keys(updated).sort()).toEqual(Object.keys(realFlag).sort());
    expect(shapeDiff(realFlag.flag, updated.flag)).toEqual([]);

    expect(parseMessage(created)).toMatchObject({
      type: 'pull_request.opened',
      project: { forge: 'pagure', namespace: 'rpms', repo: 'optee_os' },
      sha: pr.commit_stop,
    });
    expect(parseMessage(updated)).toMatchObject({ project: { forge: 'pagure', namespace: 'rpms', repo: 'optee_os' } });
  });
});

describe('Pagure driver', () => {
  it('is the one a Pagure message belongs to, parsing it with the message parser, also for packflow plan', () => {
    const message = fixture('messages/pagure_pr_new.json');
    expect(webhookDriverOf(undefined, message)).toEqual({ driver: pagureDriver, eventName: message.topic });
    expect(webhookDriverOf(String(message.topic), message).driver).toBe(pagureDriver);
    expect(pagureDriver.parse(String(message.topic), message)).toEqual(parseMessage(message));
    expect(planEventOfWebhook(undefined, message)).toEqual(planEventOf(parseMessage(message) as never));
    expect(pagureDriver.verify('secret', Buffer.from('{}'), () => undefined)).toMatch(
      /fedora-messaging, not as webhooks/,
    );
  });
});
