// GitlabForge's project and merge request calls against the fake GitLab serving real bare
// repositories: projects and forks, merge requests from a fork (found by source branch,
// edited, closed, reopened, one open per branch), notes, merge request pipelines, commit
// comments, and the answers GitLab gives when they do not apply.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import { FakeGitlab } from './fake-gitlab.webhooks.js';
import { GitlabForge, type RepoId } from '../index.js';

const DIST = 'redhat/centos-stream/rpms/widget';
const dist: RepoId = { namespace: 'redhat/centos-stream/rpms', repo: 'widget' };

let gitlab: FakeGitlab;
let forge: GitlabForge;
let work: string;
let head: string;

const git = (...args: string[]) =>
  execFileSync('git', args, {
    cwd: work,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'A',
      GIT_AUTHOR_EMAIL: 'a@example.com',
      GIT_COMMITTER_NAME: 'A',
      GIT_COMMITTER_EMAIL: 'a@example.com',
    },
  }).trim();

beforeAll(async () => {
  gitlab = await FakeGitlab.start({ token: 'glpat-projects', botUser: 'packflow-bot' });
  forge = new GitlabForge({ host: gitlab.url, token: 'glpat-projects' });
  await gitlab.projects.createProject(DIST, { defaultBranch: 'c9s' });
  work = mkdtempSync(join(tmpdir(), 'gitlab-projects-'));
  git('init', '--quiet', '-b', 'c9s');
  writeFileSync(join(work, 'widget.spec'), 'Name: widget\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'Initial import');
  head = git('rev-parse', 'HEAD');
  git('push', '--quiet', gitlab.projects.cloneUrl(DIST), 'c9s');
});

afterAll(async () => {
  await gitlab.close();
  rmSync(work, { recursive: true, force: true });
});

async function failed(promise: Promise<unknown>): Promise<ExternalServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ExternalServiceError);
  return error as ExternalServiceError;
}

describe('GitlabForge projects and merge requests', () => {
  it('reads a project with its clone URL, forks it once, and answers undefined for a project it does not have', async () => {
    const project = await forge.project(dist);
    expect(project).toMatchObject({ pathWithNamespace: DIST, defaultBranch: 'c9s', forkedFromId: null });
    expect(project!.httpUrlToRepo).toBe(gitlab.projects.cloneUrl(DIST));
    const fork = await forge.forkProject(dist, 'packflow-bot');
    expect(fork).toMatchObject({ pathWithNamespace: 'packflow-bot/widget', forkedFromId: project!.id });
    expect(await gitlab.projects.branchHead('packflow-bot/widget', 'c9s')).toBe(head);
    expect((await failed(forge.forkProject(dist, 'packflow-bot'))).status).toBe(409);
    expect(await forge.project({ namespace: 'nobody', repo: 'nothing' })).toBeUndefined();
  });

  it('opens a merge request from a fork branch, refuses a second open one, finds it by source branch, closes and reopens it', async () => {
    git('checkout', '--quiet', '-b', 'sync');
    writeFileSync(join(work, 'widget.spec'), 'Name: widget\nRelease: 2\n');
    git('commit', '--quiet', '-am', 'Bump');
    const synced = git('rev-parse', 'HEAD');
    git('push', '--quiet', gitlab.projects.cloneUrl('packflow-bot/widget'), 'sync');
    const fork = (await forge.project({ namespace: 'packflow-bot', repo: 'widget' }))!;
    const target = (await forge.project(dist))!;
    const input = {
      sourceBranch: 'sync',
      targetBranch: 'c9s',
      targetProjectId: target.id,
      title: 'Bump',
      description: 'Why',
    };
    const mr = await forge.createMergeRequest({ namespace: 'packflow-bot', repo: 'widget' }, input);
    expect(mr).toMatchObject({
      iid: 1,
      projectId: target.id,
      sourceProjectId: fork.id,
      state: 'opened',
      sha: synced,
      author: 'packflow-bot',
    });
    expect(mr.webUrl).toBe(`https://gitlab.com/${DIST}/-/merge_requests/1`);
    const again = await failed(forge.createMergeRequest({ namespace: 'packflow-bot', repo: 'widget' }, input));
    expect(again.status).toBe(409);
    expect(again.message).toContain('Another open merge request already exists for this source branch: !1');
    expect(
      (
        await failed(
          forge.createMergeRequest({ namespace: 'packflow-bot', repo: 'widget' }, { ...input, sourceBranch: 'nope' }),
        )
      ).status,
    ).toBe(422);

    expect(await forge.findMergeRequests(dist, { sourceBranch: 'sync', sourceProjectId: fork.id })).toMatchObject([
      { iid: 1 },
    ]);
    expect(await forge.findMergeRequests(dist, { sourceBranch: 'sync', sourceProjectId: fork.id + 1 })).toEqual([]);
    expect(await forge.updateMergeRequest(dist, 1, { stateEvent: 'close' })).toMatchObject({ state: 'closed' });
    expect(await forge.findMergeRequests(dist, { sourceBranch: 'sync', state: 'opened' })).toEqual([]);
    expect(await forge.updateMergeRequest(dist, 1, { stateEvent: 'reopen', title: 'Bump again' })).toMatchObject({
      state: 'opened',
      title: 'Bump again',
    });
    expect(await forge.mergeRequest(dist, 1)).toMatchObject({ iid: 1, state: 'opened', sha: synced });
  });

  it('lists merge request notes newest first, runs a merge request pipeline, and comments on a commit', async () => {
    await forge.comment(dist, { pullRequest: 1 }, 'first');
    await forge.comment(dist, { pullRequest: 1 }, 'second');
    expect((await forge.mergeRequestNotes(dist, 1)).map((n) => [n.body, n.author])).toEqual([
      ['second', 'packflow-bot'],
      ['first', 'packflow-bot'],
    ]);
    const pipeline = await forge.createMergeRequestPipeline(dist, 1);
    expect(pipeline.status).toBe('created');
    expect(gitlab.projects.mergeRequest(DIST, 1)!.pipelines).toEqual([Number(pipeline.id)]);
    expect((await failed(forge.createMergeRequestPipeline(dist, 99))).status).toBe(404);

    await forge.commitComment(dist, head, 'Why this cannot come back');
    expect(gitlab.projects.commitComments).toEqual([
      { project: DIST, sha: head, note: 'Why this cannot come back', author: 'packflow-bot' },
    ]);
    expect((await failed(forge.commitComment(dist, 'f'.repeat(40), 'x'))).status).toBe(404);
    // Listed back (how a retry finds the comment it may have posted).
    expect(await forge.commitComments(dist, head)).toEqual(['Why this cannot come back']);
    expect(await forge.commitComments(dist, 'e'.repeat(40))).toEqual([]);
  });
});
