// Check names as packit-service makes them (get_check_cls): job, then the branch of a push
// or the tag of a release, then the chroot, then the identifier (a monorepo package's).
import { describe, expect, it } from '@jest/globals';
import { statusName, type CheckNameInput } from './status.name.js';

const pr = { kind: 'pull_request', name: '7' };
const name = (input: Partial<CheckNameInput> & Pick<CheckNameInput, 'job' | 'target'>) =>
  statusName({ identifier: null, package: null, ref: pr, ...input });

describe('check names, as Packit names them', () => {
  it('on a pull request: the job, the chroot and the identifier', () => {
    expect(name({ job: 'copr_build', target: 'fedora-44-x86_64' })).toBe('rpm-build:fedora-44-x86_64');
    expect(name({ job: 'tests', target: 'fedora-44-x86_64', identifier: 'smoke' })).toBe(
      'testing-farm:fedora-44-x86_64:smoke',
    );
    expect(name({ job: 'srpm_build', target: 'srpm-builds' })).toBe('srpm-build');
  });

  it('names the package of one package of several (its identifier when the job has none), last', () => {
    expect(name({ job: 'copr_build', target: 'fedora-44-x86_64', identifier: 'lib', package: 'lib' })).toBe(
      'rpm-build:fedora-44-x86_64:lib',
    );
    expect(name({ job: 'srpm_build', target: 'srpm-builds', identifier: 'lib' })).toBe('srpm-build:lib');
  });

  it('names the branch of a push and the tag of a release before the chroot, `:` as `-`', () => {
    const branch = { kind: 'branch', name: 'main' };
    const release = { kind: 'release', name: 'v1.2.0' };
    expect(name({ job: 'copr_build', target: 'fedora-44-x86_64', ref: branch })).toBe(
      'rpm-build:main:fedora-44-x86_64',
    );
    expect(name({ job: 'tests', target: 'fedora-44-x86_64', ref: release, identifier: 'lib' })).toBe(
      'testing-farm:v1.2.0:fedora-44-x86_64:lib',
    );
    expect(name({ job: 'upstream_koji_build', target: 'rawhide', ref: release })).toBe('koji-build:v1.2.0:rawhide');
    expect(name({ job: 'srpm_build', target: 'srpm-builds', ref: branch })).toBe('srpm-build:main');
    expect(name({ job: 'copr_build', target: 'fedora-44-x86_64', ref: { kind: 'release', name: 'a:b' } })).toBe(
      'rpm-build:a-b:fedora-44-x86_64',
    );
  });

  it('propose-downstream names only its dist-git branch, on a release too', () => {
    expect(name({ job: 'propose_downstream', target: 'f41', ref: { kind: 'release', name: 'v2.0' } })).toBe(
      'propose-downstream:f41',
    );
  });

  it("formats status_name_template as Packit's Python format string, falling back on an unknown field", () => {
    const ref = { kind: 'branch', name: 'main' };
    const base = { job: 'tests', target: 'fedora-44-x86_64', ref, package: 'copr-frontend' };
    expect(name({ ...base, template: 'packit/testing-farm/gating/{package}' })).toBe(
      'packit/testing-farm/gating/copr-frontend',
    );
    expect(name({ ...base, template: '{job_name} {event} {chroot} {identifier} {{x}}' })).toBe(
      'testing-farm main fedora-44-x86_64 None {x}',
    );
    expect(name({ ...base, template: 'tests {arch}' })).toBe('testing-farm:main:fedora-44-x86_64');
  });
});
