// Comments posted once, against the fake GitHub and GitLab through the real clients: a
// retry finds the comment an earlier attempt posted by its hidden marker and adopts it;
// another key, or a first attempt told not to look, posts.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commentMarker, commentOnce, GithubForge, GitlabForge, type ForgeClient, type RepoId } from './index.js';
import { FakeGithub, FakeGitlab } from './testing.js';

let github: FakeGithub;
let gitlab: FakeGitlab;
const forges: Record<string, () => { forge: ForgeClient; repo: RepoId; bodies: () => string[] }> = {
  github: () => ({
    forge: new GithubForge({ appId: 4243, privateKey: key, baseUrl: github.url }),
    repo: { namespace: 'acme', repo: 'widget' },
    bodies: () => github.comments.filter((c) => c.issueNumber === 5).map((c) => c.body),
  }),
  gitlab: () => ({
    forge: new GitlabForge({ host: gitlab.url, token: 'glpat-once' }),
    repo: { namespace: 'acme', repo: 'widget' },
    bodies: () => gitlab.notes.filter((n) => n.iid === 5).map((n) => n.body),
  }),
};
let key: string;

beforeAll(async () => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  github = await FakeGithub.start({ appId: 4243, appKey: pair.privateKey });
  gitlab = await FakeGitlab.start({ token: 'glpat-once' });
});
afterAll(async () => {
  await Promise.all([github.close(), gitlab.close()]);
});

describe.each(Object.keys(forges))('commentOnce on %s', (name) => {
  it('posts with a hidden marker; a retry adopts that comment; another key posts its own', async () => {
    const { forge, repo, bodies } = forges[name]();
    const target = { pullRequest: 5 };
    const first = await commentOnce(forge, repo, target, 'Build failed', { key: 'failure-comment:copr_build:7' });
    expect(first.adopted).toBe(false);
    expect(bodies()).toEqual([`Build failed\n\n${commentMarker('failure-comment:copr_build:7')}`]);

    const retry = await commentOnce(forge, repo, target, 'Build failed', { key: 'failure-comment:copr_build:7' });
    expect(retry).toEqual({ ...first, url: retry.url, adopted: true });
    expect(bodies()).toHaveLength(1);

    await commentOnce(forge, repo, target, 'Tests failed', { key: 'failure-comment:tests:8' });
    expect(bodies()).toHaveLength(2);
    // Told it is a first attempt, it does not look.
    await commentOnce(forge, repo, target, 'Build failed', { key: 'failure-comment:copr_build:7', lookFirst: false });
    expect(bodies()).toHaveLength(3);
  });
});

it('keeps a key from closing the marker early', () => {
  expect(commentMarker('reply:a --> b')).toBe('<!-- packflow:reply:a_--__b -->');
});
