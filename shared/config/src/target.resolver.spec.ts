import { describe, expect, it } from '@jest/globals';
import { resolveTarget, resolveTargets } from './target.resolver.js';
import { testReleases } from './testing.releases.js';

const releases = testReleases();

describe('resolveTargets', () => {
  it.each([
    ['fedora-all', ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-43-x86_64', 'fedora-rawhide-x86_64']],
    ['fedora-stable', ['fedora-41-x86_64', 'fedora-42-x86_64']],
    ['fedora-latest', ['fedora-43-x86_64']],
    ['fedora-latest-stable', ['fedora-42-x86_64']],
    ['fedora-development', ['fedora-43-x86_64', 'fedora-rawhide-x86_64']],
    ['fedora-branched', ['fedora-41-x86_64', 'fedora-42-x86_64', 'fedora-43-x86_64']],
    ['fedora-rawhide', ['fedora-rawhide-x86_64']],
    ['epel-all', ['epel-9-x86_64', 'epel-10-x86_64']],
    ['centos-stream-all', ['centos-stream-10-x86_64']],
    ['fedora-stable-aarch64', ['fedora-41-aarch64', 'fedora-42-aarch64']],
    ['epel-all-ppc64le', ['epel-9-ppc64le', 'epel-10-ppc64le']],
  ])('%s -> chroots of the release table', (alias, chroots) => {
    expect(resolveTargets([alias], releases)).toEqual(chroots);
  });

  it('gives a bare release the default architecture and keeps full chroots as they are', () => {
    expect(
      resolveTargets(['epel-9', 'centos-stream-10-aarch64', 'fedora-eln', 'opensuse-tumbleweed-x86_64'], releases),
    ).toEqual(['epel-9-x86_64', 'centos-stream-10-aarch64', 'fedora-eln-x86_64', 'opensuse-tumbleweed-x86_64']);
  });

  it('lists each chroot once, in the order written', () => {
    expect(resolveTargets(['fedora-rawhide', 'fedora-all'], releases)).toEqual([
      'fedora-rawhide-x86_64',
      'fedora-41-x86_64',
      'fedora-42-x86_64',
      'fedora-43-x86_64',
    ]);
  });

  it('resolves to dist-git branches for propose_downstream, koji_build and bodhi_update', () => {
    expect(resolveTargets(['fedora-all', 'epel-all', 'fedora-40', 'main', 'f39'], releases, 'branch')).toEqual([
      'f41',
      'f42',
      'f43',
      'rawhide',
      'epel9',
      'epel10',
      'f40',
      'main',
      'f39',
    ]);
  });

  it('warns about an alias it does not know and a release the table does not list', () => {
    expect(resolveTarget('fedora-stabel', releases).warning).toMatch(/neither a fedora release nor a known alias/);
    expect(resolveTarget('fedora-39-x86_64', releases).warning).toMatch(/not an active release/);
    expect(resolveTarget('fedora-42-x86_64', releases).warning).toBeUndefined();
  });
});
