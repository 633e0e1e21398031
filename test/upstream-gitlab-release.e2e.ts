// A release on GitLab end to end: GitLab sends the Tag Push Hook of the new tag and then
// the Release Hook. As in Packit, the release runs the release jobs and the tag push runs
// nothing (both would build the release twice). The Copr build is the SRPM build Packit
// submits for a release (packit prepare-sources of the tag's commit, release not bumped,
// the tag as merged ref) in the project of the repository's releases, reported as GitLab
// commit statuses on the release commit. Real PostgreSQL and NATS, fake GitLab and Copr
// through the real clients; every wait is for a condition.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import type { FakeGitlab } from '@packflow/forges/testing';
import { waitFor, type FakeCopr, type TestDatabase } from '@packflow/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const PROJECT = 'packit/hello';
const CLONE_URL = 'https://gitlab.com/packit/hello.git';
const TAG = 'v1.2.0';
const SHA = 'deadbeef'.padEnd(40, '7');
const CHROOTS = ['fedora-44-x86_64', 'fedora-rawhide-x86_64'];
const CONFIG = `specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: release
    targets: [${CHROOTS.join(', ')}]
    srpm_build_deps: [make]
  - job: copr_build
    trigger: pull_request
    targets: [fedora-rawhide-x86_64]
`;
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let db: TestDatabase;
let gitlab: FakeGitlab;
let copr: FakeCopr;

beforeAll(async () => {
  stack = await startUpstreamStack(logger);
  ({ db, gitlab, copr } = stack);
  gitlab.setFile(PROJECT, SHA, '.packit.yaml', CONFIG);
});

afterAll(() => stack?.close());

const status = (name: string) => gitlab.status(PROJECT, SHA, name);
const pipelines = async () =>
  (
    await db.pool().query<{ trigger: string; kind: string; name: string }>(
      `select p.trigger, r.kind, r.name from shared.pipelines p
           join shared.commits c on c.id = p.commit_id join shared.project_refs r on r.id = c.ref_id`,
    )
  ).rows;

describe('a GitLab release, end to end', () => {
  it('runs nothing for the tag push of the new tag', async () => {
    const sent = await gitlab.emitTagPush(PROJECT, { name: TAG, sha: SHA, sender: 'maintainer' });
    expect(sent.status).toBe(202);
    await stack.settled();
    expect(await pipelines()).toEqual([]);
    expect(copr.builds.size).toBe(0);
  });

  it('builds the release in Copr as Packit does on the Release Hook, and reports it on the release commit', async () => {
    const sent = await gitlab.emitRelease(PROJECT, { tag: TAG, sha: SHA });
    expect(sent.status).toBe(202);
    const build = await stack.coprBuild(undefined, { timeoutMs: 30_000 });
    expect(await pipelines()).toEqual([{ trigger: 'release', kind: 'release', name: TAG }]);

    // The project of the repository's releases; the SRPM of the tag's commit, its release kept.
    expect(build).toMatchObject({ owner: 'packit', project: 'gitlab.com-packit-hello-releases' });
    expect(build.request.script).toContain(
      `packit -d prepare-sources --result-dir "$resultdir" --ref '${SHA}' --no-update-release --merged-ref '${TAG}' --no-create-symlinks '${CLONE_URL}'`,
    );
    expect(build.request).toMatchObject({ builddeps: ['packit', 'make'], repos: 'copr://packit/packit-stable' });
    expect(String(build.request.chroot)).toMatch(/^fedora-\d+-x86_64$/);
    expect([...build.chroots.keys()].sort()).toEqual(CHROOTS);

    // Packit names the release's tag in its checks: `rpm-build:<tag>:<chroot>`, `srpm-build:<tag>`.
    await waitFor(() => CHROOTS.every((c) => status(`rpm-build:${TAG}:${c}`)?.status === 'pending'), {
      what: 'pending statuses on the release commit',
    });
    await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
    await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) === CHROOTS.length, {
      what: 'the chroot builds to be recorded',
    });
    for (const c of CHROOTS) await copr.finishBuild(build.id, c, 'succeeded');
    await waitFor(
      () =>
        [`srpm-build:${TAG}`, ...CHROOTS.map((c) => `rpm-build:${TAG}:${c}`)].every(
          (n) => status(n)?.status === 'success',
        ),
      { what: 'the final statuses' },
    );
    await stack.settled();
    expect(copr.builds.size).toBe(1);
    expect(await pipelines()).toHaveLength(1);
  });
});
