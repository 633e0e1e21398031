// propose_downstream and pull_from_upstream through the real Pagure, lookaside and GitHub
// clients against their fakes: the fake Pagure's real git repositories (cloned, and pushed
// to over file://), the lookaside cache over client-certificate TLS, the upstream's spec
// and files_to_sync read from the fake GitHub. A retry (a crash after the push, or a new
// run of the same release) updates the one pull request instead of opening a second.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LookasideClient } from '@packflow/clients';
import { FakeLookaside } from '@packflow/clients/testing';
import type { TargetState } from '@packflow/core';
import type { TargetTask } from '@packflow/engine';
import { GithubForge, PagureForge } from '@packflow/forges';
import { FakeGithub, FakePagure } from '@packflow/forges/testing';
import { GitWorkspace } from '@packflow/source-git';
import { createTestCertificates, type TestCertificates } from '@packflow/testing';
import { downstreamActivity, filesToSync, versionFromTag } from './downstream.activities.js';

const ARCHIVE = Buffer.from('a release archive\n'.repeat(50));

const spec = (version: string, release: string, url: string) => `Name:           hello
Version:        ${version}
Release:        ${release}
Summary:        Hello
URL:            ${url}/acme/hello
Source0:        %{url}/archive/v%{version}/%{name}-%{version}.tar.gz

%description
Hello.

%prep
%autosetup

%changelog
* Mon Jan 05 2026 Old Hand <old@example.com> - ${version}-3
- Rebuilt
`;

let pki: TestCertificates;
let pagure: FakePagure;
let lookaside: FakeLookaside;
let github: FakeGithub;
let archives: Server;
let archiveUrl: string;
let workDir: string;
const downloads: string[] = [];

beforeAll(async () => {
  archives = createServer((req, res) => {
    downloads.push(req.url ?? '');
    if (req.url === '/acme/hello/archive/v1.2/hello-1.2.tar.gz') {
      res.writeHead(200, { 'content-type': 'application/gzip' });
      res.end(ARCHIVE);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => archives.listen(0, '127.0.0.1', resolve));
  archiveUrl = `http://127.0.0.1:${(archives.address() as { port: number }).port}`;
  pki = createTestCertificates();
  lookaside = await FakeLookaside.start({ tls: { ...pki.server, clientCa: pki.ca } });
  pagure = await FakePagure.start({ tokens: { 'pagure-token-packit': 'packit' } });
  pagure.addProject('rpms/hello', {
    owner: 'maintainer',
    branches: ['rawhide', 'f41'],
    files: {
      'hello.spec': spec('1.0', '3%{?dist}', archiveUrl),
      sources: 'SHA512 (hello-1.0.tar.gz) = 00aa\n',
      '.gitignore': '/hello-1.0.tar.gz\n',
    },
  });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  github = await FakeGithub.start({
    appId: 4242,
    appKey: publicKey,
    installations: [{ id: 7, account: 'acme', repositories: ['acme/hello'] }],
  });
  github.setFile(
    'acme/hello',
    'c0ffee',
    'hello.spec',
    spec('1.1', '1%{?dist}', archiveUrl).replace('Old Hand', 'Up Stream'),
  );
  github.setFile('acme/hello', 'c0ffee', 'README.md', 'Hello, world\n');
  upstreamForge = new GithubForge({ appId: 4242, privateKey, baseUrl: github.url });
  workDir = mkdtempSync(join(tmpdir(), 'downstream-test-'));
});

let upstreamForge: GithubForge;

afterAll(async () => {
  await Promise.all([pagure.close(), lookaside.close(), github.close(), new Promise((r) => archives.close(r))]);
  pki.remove();
  rmSync(workDir, { recursive: true, force: true });
});

function activity() {
  const cert = pki.client('packit');
  return downstreamActivity({
    pagure: new PagureForge({ instanceUrl: pagure.url, token: 'pagure-token-packit' }),
    gitBaseUrl: pagure.gitUrl('').replace(/\/\.git$/, ''),
    lookaside: new LookasideClient({ uploadUrl: lookaside.uploadUrl, certPath: cert.combinedPath, caPath: pki.caPath }),
    workspace: new GitWorkspace(workDir, 'pagure-token-packit', 'packit'),
    gitIdentity: { name: 'Packit', email: 'hello@packit.dev' },
    upstreamForge: () => upstreamForge,
    now: () => new Date('2026-12-02T12:00:00Z'),
  });
}

function target(branch: string): TargetState {
  return {
    id: `t-${branch}`,
    kind: 'job_run',
    groupId: null,
    target: branch,
    attempt: 1,
    status: 'queued',
    reason: null,
    externalId: null,
    idempotencyKey: null,
    webUrl: null,
    logUrl: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    deadlineAt: null,
    createdAt: new Date().toISOString(),
    data: null,
  };
}

function task(
  branch: string,
  key: string,
  options: Record<string, unknown> = {},
  job = 'propose_downstream',
): TargetTask {
  return {
    pipelineId: 'p1',
    pipeline: {
      id: 'p1',
      project: { id: 'proj', forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'hello' },
      ref: { kind: 'release', name: 'v1.2' },
      commitSha: 'c0ffee',
    },
    stepId: 'step-pd',
    job,
    package: null,
    identifier: null,
    options: { upstream_tag_template: 'v{version}', ...options },
    target: target(branch),
    idempotencyKey: key,
    inputs: [],
    next: [],
  };
}

const show = (ref: string, path: string) => pagure.git.show('forks/packit/rpms/hello', ref, path);

describe('propose_downstream activity', () => {
  it('lands the release in each branch: spec, lookaside, sources, files_to_sync, fork branch and one pull request each', async () => {
    const results = await activity().submit([
      task('rawhide', 'p1/pd/rawhide/1', { files_to_sync: ['README.md', { src: 'README.md', dest: 'docs/README' }] }),
      task('f41', 'p1/pd/f41/1'),
    ]);
    expect(results.map((r) => r.done?.state)).toEqual(['success', 'success']);
    const prs = pagure.pullRequests.filter((p) => p.project === 'rpms/hello');
    expect(prs.map((p) => [p.branch, p.branchFrom, p.title, p.user])).toEqual([
      ['rawhide', '1.2-rawhide-update-propose_downstream', 'Update to 1.2 upstream release', 'packit'],
      ['f41', '1.2-f41-update-propose_downstream', 'Update to 1.2 upstream release', 'packit'],
    ]);
    expect(results[0].webUrl).toBe(`${pagure.url}/rpms/hello/pull-request/${prs[0].id}`);

    const newSpec = show('1.2-rawhide-update-propose_downstream', 'hello.spec')!;
    expect(newSpec).toContain('Version:        1.2\nRelease:        1%{?dist}\n');
    // The upstream spec, with dist-git's changelog (sync_changelog is not set) and the new entry.
    expect(newSpec).toContain(
      '%changelog\n* Wed Dec 02 2026 Packit <hello@packit.dev> - 1.2-1\n- Update to 1.2 upstream release\n\n* Mon Jan 05 2026 Old Hand',
    );
    const stored = lookaside.file('hello', 'hello-1.2.tar.gz');
    expect(stored?.content).toEqual(ARCHIVE);
    expect(show('1.2-rawhide-update-propose_downstream', 'sources')).toBe(
      `SHA512 (hello-1.2.tar.gz) = ${stored!.hash}\n`,
    );
    expect(show('1.2-rawhide-update-propose_downstream', '.gitignore')).toBe('/hello-1.0.tar.gz\n/hello-1.2.tar.gz\n');
    expect(show('1.2-rawhide-update-propose_downstream', 'README.md')).toBe('Hello, world\n');
    expect(show('1.2-rawhide-update-propose_downstream', 'docs/README')).toBe('Hello, world\n');
    expect(show('1.2-f41-update-propose_downstream', 'README.md')).toBeUndefined();
  });

  it('a retry after a crash, or a rerun, updates the open pull request instead of opening a second', async () => {
    const before = pagure.pullRequests.length;
    const [again] = await activity().submit([task('rawhide', 'p1/pd/rawhide/2', { sync_changelog: true })]);
    expect(again.done?.state).toBe('success');
    expect(pagure.pullRequests.length).toBe(before);
    // sync_changelog: the upstream spec's changelog comes along.
    expect(show('1.2-rawhide-update-propose_downstream', 'hello.spec')).toContain(
      '- Update to 1.2 upstream release\n\n* Mon Jan 05 2026 Up Stream',
    );
    const polled = await activity().poll!(task('rawhide', 'p1/pd/rawhide/2'));
    expect(polled).toMatchObject({ state: 'success' });
    expect(pagure.pullRequests.length).toBe(before);
  });

  it('fails naming the reason: a tag that does not fit, an unsupported action, a missing archive, a version dist-git has', async () => {
    const [same] = await activity().submit([task('f41', 'p2/pd/f41/0', { version: '1.0' }, 'pull_from_upstream')]);
    expect(same.done).toMatchObject({ state: 'failure', reason: 'dist-git f41 already has version 1.0' });
    const [tag] = await activity().submit([task('f41', 'p2/pd/f41/1', { upstream_tag_template: 'release-{version}' })]);
    expect(tag.done).toMatchObject({
      state: 'failure',
      reason: 'tag v1.2 does not match upstream_tag_template release-{version}',
    });
    const [action] = await activity().submit([
      task('f41', 'p2/pd/f41/2', { actions: { 'create-archive': ['make dist'] } }),
    ]);
    expect(action.done).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining('actions create-archive are not supported'),
    });
    const [missing] = await activity().submit([task('f41', 'p2/pd/f41/3', { version: '9.9' }, 'pull_from_upstream')]);
    expect(missing.done).toMatchObject({
      state: 'failure',
      reason: expect.stringContaining('hello-9.9.tar.gz does not exist (404)'),
    });
  });
});

describe('pull_from_upstream activity', () => {
  it("takes the version from the step and dist-git's own spec, opening its own pull request", async () => {
    const [result] = await activity().submit([task('f41', 'p3/pfu/f41/1', { version: '1.2' }, 'pull_from_upstream')]);
    expect(result.done?.state).toBe('success');
    const pr = pagure.pullRequests.find((p) => p.branchFrom === '1.2-f41-update-pull_from_upstream')!;
    expect(pr.initialComment).toContain('New version 1.2 found by release-monitoring.');
    const newSpec = show('1.2-f41-update-pull_from_upstream', 'hello.spec')!;
    expect(newSpec).toContain('Version:        1.2\n');
    expect(newSpec).not.toContain('Up Stream');
  });
});

describe('helpers', () => {
  it('reads the version out of a tag by upstream_tag_template', () => {
    expect(versionFromTag('v1.2', 'v{version}')).toBe('1.2');
    expect(versionFromTag('hello-1.2-final', 'hello-{version}-final')).toBe('1.2');
    expect(versionFromTag('1.2', 'v{version}')).toBeUndefined();
  });

  it('refuses files_to_sync entries it cannot copy, naming them', () => {
    expect(() => filesToSync(['*.md'])).toThrow('"*.md" is not a single file');
    expect(() => filesToSync(['../x'])).toThrow('"../x" is outside the repository');
  });
});
