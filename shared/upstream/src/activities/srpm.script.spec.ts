import { describe, expect, it } from '@jest/globals';
import type { TargetTask } from '@packflow/engine';
import { PACKIT_COPR_REPO, srpmSubmission } from './srpm.script.js';

const task = (over: Partial<TargetTask> & { ref?: { kind: string; name: string } }): TargetTask =>
  ({
    pipelineId: '1',
    pipeline: {
      id: '1',
      project: { forge: 'github', instanceUrl: 'https://github.com', namespace: 'acme', repo: 'mono' },
      ref: over.ref ?? { kind: 'pull_request', name: '3' },
      commitSha: 'a'.repeat(40),
    },
    stepId: '7',
    job: 'srpm_build',
    package: 'hello',
    identifier: null,
    options: {},
    idempotencyKey: 'pf:1:7:srpm-builds:1',
    inputs: [],
    next: [],
    ...over,
  }) as TargetTask;

describe('the SRPM build as Packit submits it to Copr', () => {
  it('runs packit prepare-sources on the pull request commit, with packit from its Copr repository', () => {
    const s = srpmSubmission(task({}), 'fedora-45-x86_64');
    expect(s.script.split('\n')).toEqual([
      '#!/bin/sh',
      '# packflow-idempotency-key: pf:1:7:srpm-builds:1',
      'set -eu',
      'git config --global user.email "packflow@localhost"',
      'git config --global user.name "packflow"',
      'resultdir=$PWD',
      `packit -d prepare-sources --result-dir "$resultdir" --ref '${'a'.repeat(40)}' --pr-id '3' --no-merge-pr --no-create-symlinks 'https://github.com/acme/mono.git'`,
    ]);
    expect(s).toMatchObject({ builddeps: ['packit'], repos: [PACKIT_COPR_REPO], scriptChroot: 'fedora-45-x86_64' });
  });

  it("names a monorepo's package (-p) and installs its srpm_build_deps next to packit", () => {
    const s = srpmSubmission(
      task({ package: 'lib', identifier: 'lib', options: { srpm_build_deps: ['make', 'packit', 'rpkg'] } }),
      undefined,
    );
    expect(s.script).toContain(`packit -d prepare-sources -p 'lib' --result-dir "$resultdir"`);
    expect(s.builddeps).toEqual(['packit', 'make', 'rpkg']);
  });

  it('keeps the release of a release build and marks the tag as the merged ref', () => {
    const s = srpmSubmission(task({ ref: { kind: 'release', name: 'v1.2' } }), undefined);
    expect(s.script).toContain("--no-update-release --merged-ref 'v1.2'");
    expect(s.script).not.toContain('--pr-id');
  });

  it('refuses a package name Copr would not take, naming it', () => {
    expect(() => srpmSubmission(task({ package: 'lib; rm -rf /', identifier: 'lib; rm -rf /' }), undefined)).toThrow(
      'package "lib; rm -rf /" (packages: in .packit.yaml) is not a name Copr takes',
    );
  });
});
