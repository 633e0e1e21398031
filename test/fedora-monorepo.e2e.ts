// A monorepo pull request end to end, as Packit runs one: each package's SRPM build goes
// to Copr naming its package (`packit prepare-sources -p <package>`) with packit and that
// package's `srpm_build_deps` as build dependencies, the package that depends on another
// waits for it, and every check run carries its package (`rpm-build:<chroot>:<package>`,
// `srpm-build:<package>`), as Packit names the checks of one package of several. Real
// PostgreSQL and NATS, fake GitHub and Copr through the real clients.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { waitFor, type FakeCopr, type FakeCoprBuild } from '@packflow/testing';
import type { FakeGithub } from '@packflow/forges/testing';
import { startUpstreamStack, type UpstreamStack } from './support/stack.js';

const REPO = 'acme/duo';
const SHA = 'c0ffee11'.padEnd(40, '3');
const CHROOT = 'fedora-44-x86_64';
const CONFIG = `packages:
  lib:
    specfile_path: lib/lib.spec
    srpm_build_deps: [make, gcc]
  app:
    specfile_path: app/app.spec
    depends: [lib]
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [${CHROOT}]
`;
const logger = createLogger({ name: 'e2e', level: (process.env.E2E_LOG_LEVEL as 'info') ?? 'silent' });

let stack: UpstreamStack;
let github: FakeGithub;
let copr: FakeCopr;

beforeAll(async () => {
  stack = await startUpstreamStack(logger);
  ({ github, copr } = stack);
  github.setFile(REPO, SHA, '.packit.yaml', CONFIG);
  github.setPullRequestFiles(REPO, 4, [{ filename: 'lib/lib.c' }, { filename: 'app/app.c' }]);
  github.setPermission(REPO, 'maintainer', 'write');
});

afterAll(() => stack?.close());

const check = (name: string) => github.checkRuns.filter((c) => c.name === name && c.headSha === SHA).at(-1);
const buildOf = (pkg: string): FakeCoprBuild | undefined =>
  [...copr.builds.values()].find((b) => String(b.request.script).includes(`prepare-sources -p '${pkg}' `));

/** Lets Copr build the SRPM and then the chroot of a package's build (once packflow recorded that chroot's build). */
async function finish(build: FakeCoprBuild): Promise<void> {
  await copr.finishBuild(build.id, 'srpm-builds', 'succeeded');
  await waitFor(async () => (await stack.recordedChrootBuilds(build.id)) === 1, {
    what: `the RPM build of ${build.sourcePackage.name} to be recorded`,
  });
  await copr.finishBuild(build.id, CHROOT, 'succeeded');
}

describe('a monorepo pull request, as Packit runs it', () => {
  it('submits each SRPM build naming its package, with its build dependencies, after the package it depends on', async () => {
    const sent = await github.emitPullRequest(REPO, { number: 4, headSha: SHA, sender: 'maintainer' });
    expect(sent.status).toBe(202);

    // Every check of the pull request names its package, queued at once.
    const names = ['srpm-build:lib', 'srpm-build:app', `rpm-build:${CHROOT}:lib`, `rpm-build:${CHROOT}:app`];
    await waitFor(() => names.every((n) => check(n)), { what: 'the check runs of both packages', timeoutMs: 30_000 });

    const lib = await stack.coprBuild(() => buildOf('lib'));
    expect(lib.request).toMatchObject({
      builddeps: ['packit', 'make', 'gcc'],
      repos: 'copr://packit/packit-stable',
      chroots: [CHROOT],
    });
    expect(String(lib.request.script)).toContain(`--ref '${SHA}' --pr-id '4' --no-merge-pr`);
    await stack.settled();
    expect(buildOf('app')).toBeUndefined();

    await finish(lib);
    // Copr names the SRPM after the package the script asked for.
    expect(copr.build(lib.id).sourcePackage.name).toBe('lib');
    const app = await stack.coprBuild(() => buildOf('app'));
    expect(app.request).toMatchObject({ builddeps: ['packit'], chroots: [CHROOT] });
    await finish(app);

    await waitFor(() => names.every((n) => check(n)?.conclusion === 'success'), { what: 'every check to succeed' });
    // No check without its package (what a single-package repository's checks are called).
    const all = new Set(github.checkRuns.filter((c) => c.headSha === SHA).map((c) => c.name));
    expect([...all].sort()).toEqual([...names].sort());
    expect(copr.builds.size).toBe(2);
  });
});
