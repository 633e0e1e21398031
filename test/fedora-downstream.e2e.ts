// A release, end to end, to Fedora dist-git: the scheduler and the upstream worker as
// separate apps on real PostgreSQL and NATS; the fake GitHub sends the release webhook and
// knows the tag's commit; the fake Pagure serves the dist-git repository (real git over
// file://) and takes the pull requests; the fake lookaside cache takes the archive over
// client-certificate TLS. A config with propose_downstream for two branches gives two
// dist-git pull requests with the new version and two propose-downstream check runs. The
// same from a GitLab release (statuses on the release commit), and `/packit
// propose-downstream` on a GitLab issue, whose latest release and its commit GitLab tells.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FakeLookaside } from '@packflow/clients/testing';
import { createLogger } from '@packflow/core';
import { flagUid } from '@packflow/forges';
import { FakePagure } from '@packflow/forges/testing';
import { createTestCertificates, waitFor, type TestCertificates } from '@packflow/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/widget';
const SHA = 'd15c0'.padEnd(40, '0');
const TAG = 'v2.0';
const ARCHIVE = Buffer.from('widget 2.0 sources\n'.repeat(64));
const CONFIG = [
  'downstream_package_name: widget',
  'upstream_tag_template: "v{version}"',
  'jobs:',
  '  - job: propose_downstream',
  '    trigger: release',
  '    dist_git_branches: [rawhide, f41]',
  '',
].join('\n');
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let pagure: FakePagure;
let lookaside: FakeLookaside;
let pki: TestCertificates;
let archives: Server;
let workDir: string;

beforeAll(async () => {
  archives = createServer((req, res) => {
    const ok = /^\/acme\/widget\/archive\/v([\d.]+)\/widget-\1\.tar\.gz$/.test(req.url ?? '');
    res.writeHead(ok ? 200 : 404);
    res.end(ok ? ARCHIVE : undefined);
  });
  await new Promise<void>((resolve) => archives.listen(0, '127.0.0.1', resolve));
  const archiveBase = `http://127.0.0.1:${(archives.address() as { port: number }).port}`;
  pki = createTestCertificates();
  lookaside = await FakeLookaside.start({ tls: { ...pki.server, clientCa: pki.ca } });
  pagure = await FakePagure.start({ tokens: { 'pagure-token-packit': 'packit' } });
  pagure.addProject('rpms/widget', {
    owner: 'maintainer',
    branches: ['rawhide', 'f41'],
    files: {
      'widget.spec': [
        'Name:    widget',
        'Version: 1.9',
        'Release: 4%{?dist}',
        `URL:     ${archiveBase}/acme/widget`,
        'Source0: %{url}/archive/v%{version}/%{name}-%{version}.tar.gz',
        '',
        '%prep',
        '%autosetup',
        '',
        '%changelog',
        '* Mon Nov 02 2026 Maintainer <m@example.com> - 1.9-4',
        '- Rebuilt',
        '',
      ].join('\n'),
      sources: 'SHA512 (widget-1.9.tar.gz) = 19\n',
      // dist-git's own config: what pull_from_upstream reads.
      '.packit.yaml':
        'downstream_package_name: widget\njobs:\n  - job: pull_from_upstream\n    trigger: release\n    dist_git_branches: [rawhide]\n',
    },
  });
  workDir = mkdtempSync(join(tmpdir(), 'fedora-downstream-e2e-'));
  const cert = pki.client('packit');
  stack = await startUpstreamStack(logger, {
    PAGURE_URL: pagure.url,
    PAGURE_TOKEN: 'pagure-token-packit',
    PAGURE_GIT_URL: pagure.gitUrl('').replace(/\/\.git$/, ''),
    LOOKASIDE_UPLOAD_URL: lookaside.uploadUrl,
    LOOKASIDE_CERT: cert.combinedPath,
    LOOKASIDE_CA: pki.caPath,
    DOWNSTREAM_WORK_DIR: workDir,
    DOWNSTREAM_GIT_NAME: 'Packflow Bot',
    DOWNSTREAM_GIT_EMAIL: 'bot@packflow.test',
  });
  stack.github.setTag(REPO, TAG, SHA);
  stack.github.setPermission(REPO, 'maintainer', 'write');
  stack.github.setPermission(REPO, 'drive-by', 'read');
  stack.github.setFile(REPO, SHA, '.packit.yaml', CONFIG);
});

afterAll(async () => {
  await stack?.close();
  await Promise.all([pagure?.close(), lookaside?.close(), new Promise((r) => archives?.close(r))]);
  pki?.remove();
  rmSync(workDir, { recursive: true, force: true });
});

const check = (name: string, sha = SHA) =>
  stack.github.checkRuns.filter((c) => c.name === name && c.headSha === sha).at(-1);

describe('a release, to Fedora dist-git', () => {
  it('opens one pull request per dist_git_branches branch with the new version, and reports propose-downstream checks', async () => {
    const sent = await stack.github.emitRelease(REPO, { tag: TAG, sender: 'maintainer' });
    expect(sent.status).toBe(202);
    await waitFor(() => ['rawhide', 'f41'].every((b) => check(`propose-downstream:${b}`)?.conclusion === 'success'), {
      what: 'propose-downstream check runs to succeed',
      timeoutMs: 60_000,
    });
    expect(check('propose-downstream:f41')!.title).toBe('Dist-git update succeeded');
    const prs = pagure.pullRequests.filter((p) => p.project === 'rpms/widget');
    expect(prs.map((p) => [p.branch, p.branchFrom, p.title, p.user]).sort()).toEqual([
      ['f41', '2.0-f41-update-propose_downstream', 'Update to 2.0 upstream release', 'packit'],
      ['rawhide', '2.0-rawhide-update-propose_downstream', 'Update to 2.0 upstream release', 'packit'],
    ]);
    const stored = lookaside.file('widget', 'widget-2.0.tar.gz')!;
    expect(stored.content).toEqual(ARCHIVE);
    for (const branch of ['rawhide', 'f41']) {
      const at = `2.0-${branch}-update-propose_downstream`;
      const spec = pagure.git.show('forks/packit/rpms/widget', at, 'widget.spec')!;
      expect(spec).toContain('Version: 2.0\nRelease: 1%{?dist}\n');
      expect(spec).toMatch(
        /%changelog\n\* \w{3} \w{3} \d{2} \d{4} Packflow Bot <bot@packflow.test> - 2.0-1\n- Update to 2.0 upstream release\n/,
      );
      expect(pagure.git.show('forks/packit/rpms/widget', at, 'sources')).toBe(
        `SHA512 (widget-2.0.tar.gz) = ${stored.hash}\n`,
      );
      // The dist-git pull request carries the step's status as a flag on its head commit.
      // (Both branches' changes can be one commit, made in the same second: each check
      // has its own flag, by its uid.)
      const head = pagure.git.head('forks/packit/rpms/widget', at)!;
      const uid = flagUid(`propose-downstream:${branch}`);
      const flags = await waitFor(
        () => pagure.commitFlags.get(`rpms/widget@${head}`)?.filter((f) => f.uid === uid).length,
        { what: `the flag on the ${branch} pull request` },
      );
      expect(flags).toBe(1);
      expect(pagure.commitFlags.get(`rpms/widget@${head}`)!.find((f) => f.uid === uid)).toEqual(
        expect.objectContaining({ username: 'packit', status: 'success', comment: expect.stringMatching(/succeeded/) }),
      );
    }

    // Another delivery of the release (a new pipeline) updates the same pull requests.
    await stack.github.emitRelease(REPO, { tag: TAG, sender: 'maintainer' });
    await waitFor(
      async () =>
        (await stack.db.pool().query(`select 1 from upstream.job_run_targets where status = 'success'`)).rows.length ===
        4,
      { what: 'the second delivery to sync both branches again' },
    );
    expect(pagure.pullRequests.filter((p) => p.project === 'rpms/widget')).toHaveLength(2);
  });

  it('/packit propose-downstream on an issue syncs the latest release for people with write access only', async () => {
    const NEW_SHA = 'e1e1'.padEnd(40, '0');
    stack.github.setRelease(REPO, 'v2.1', NEW_SHA);
    stack.github.setFile(REPO, NEW_SHA, '.packit.yaml', CONFIG);
    await stack.github.emitIssueComment(REPO, 5, '/packit propose-downstream', {
      sender: 'drive-by',
      pullRequest: false,
    });
    await stack.settled();
    expect(stack.github.comments.at(-1)?.body).toMatch(/only people with write access/);
    expect(pagure.pullRequests.filter((p) => p.branchFrom.startsWith('2.1-'))).toHaveLength(0);

    await stack.github.emitIssueComment(REPO, 5, '/packit propose-downstream', {
      sender: 'maintainer',
      pullRequest: false,
    });
    await waitFor(() => pagure.pullRequests.filter((p) => p.branchFrom.startsWith('2.1-')).length === 2, {
      what: 'pull requests for the latest release',
      timeoutMs: 60_000,
    });
    await waitFor(() => check('propose-downstream:rawhide', NEW_SHA)?.conclusion === 'success', {
      what: 'the check run on the release commit',
    });
  });

  it('pull_from_upstream: a release-monitoring message for the package opens a dist-git pull request, config read from dist-git', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('../../shared/fixtures/messages/anitya_version_update.json', import.meta.url), 'utf8'),
    ) as { message: Record<string, unknown> & { project: Record<string, unknown> } };
    fixture.message.packages = [{ distro: 'Fedora', package_name: 'widget' }];
    fixture.message.old_version = '2.1';
    fixture.message.project = { ...fixture.message.project, name: 'widget', version: '2.2' };
    const sent = await fetch(`${stack.scheduler.url}/webhooks/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer stack-messages-token' },
      body: JSON.stringify(fixture),
    });
    expect(sent.status).toBe(202);
    const pr = await waitFor(
      () => pagure.pullRequests.find((p) => p.branchFrom === '2.2-rawhide-update-pull_from_upstream'),
      { what: 'the pull_from_upstream pull request', timeoutMs: 60_000 },
    );
    expect(pr).toMatchObject({ branch: 'rawhide', title: 'Update to 2.2 upstream release', user: 'packit' });
    expect(pr.initialComment).toContain('New version 2.2 found by release-monitoring.');
    const spec = pagure.git.show('forks/packit/rpms/widget', pr.branchFrom, 'widget.spec')!;
    expect(spec).toContain('Version: 2.2\n');
  });
});

describe('a GitLab release, to Fedora dist-git', () => {
  const PROJECT = 'testing/packit/hello-there';
  const GL_SHA = 'ab1e'.padEnd(40, '3');
  const prsOf = (version: string) =>
    pagure.pullRequests.filter((p) => p.project === 'rpms/widget' && p.branchFrom.startsWith(`${version}-`));

  it('opens the dist-git pull requests from the Release Hook, with propose-downstream statuses on the release commit', async () => {
    stack.gitlab.setFile(PROJECT, GL_SHA, '.packit.yaml', CONFIG);
    const sent = await stack.gitlab.emitRelease(PROJECT, { tag: 'v3.0', sha: GL_SHA });
    expect(sent.status).toBe(202);
    await waitFor(
      () =>
        ['rawhide', 'f41'].every(
          (b) => stack.gitlab.status(PROJECT, GL_SHA, `propose-downstream:${b}`)?.status === 'success',
        ),
      { what: 'propose-downstream statuses on the GitLab release commit', timeoutMs: 60_000 },
    );
    expect(
      prsOf('3.0')
        .map((p) => [p.branch, p.title])
        .sort(),
    ).toEqual([
      ['f41', 'Update to 3.0 upstream release'],
      ['rawhide', 'Update to 3.0 upstream release'],
    ]);
  });

  it('/packit propose-downstream on a GitLab issue syncs the latest release, its commit asked of GitLab', async () => {
    const NEW_SHA = 'ab1f'.padEnd(40, '4');
    stack.gitlab.releases.addRelease(PROJECT, { tag: 'v3.1', sha: NEW_SHA });
    stack.gitlab.setFile(PROJECT, NEW_SHA, '.packit.yaml', CONFIG);
    stack.gitlab.setAccessLevel(PROJECT, 'maintainer', 40);
    // GitLab's Note Hook of an issue comment (the real one), by the maintainer.
    const note = JSON.parse(
      readFileSync(new URL('../../shared/fixtures/webhooks/gitlab/issue_comment.json', import.meta.url), 'utf8'),
    ) as { user: Record<string, unknown>; object_attributes: Record<string, unknown> };
    note.user = { ...note.user, username: 'maintainer' };
    note.object_attributes = { ...note.object_attributes, note: '/packit propose-downstream' };
    expect((await stack.gitlab.emitWebhook('Note Hook', note)).status).toBe(202);
    await waitFor(() => prsOf('3.1').length === 2, {
      what: 'pull requests for the latest GitLab release',
      timeoutMs: 60_000,
    });
    await waitFor(() => stack.gitlab.status(PROJECT, NEW_SHA, 'propose-downstream:rawhide')?.status === 'success', {
      what: 'the status on the latest release commit',
    });
    expect(stack.gitlab.requests.map((r) => r.path)).toEqual(
      expect.arrayContaining([
        '/api/v4/projects/testing%2Fpackit%2Fhello-there/releases/permalink/latest',
        '/api/v4/projects/testing%2Fpackit%2Fhello-there/repository/tags/v3.1',
      ]),
    );
  });
});
