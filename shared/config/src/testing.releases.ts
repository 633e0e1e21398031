// A small release table for unit specs: Fedora 41 and 42 stable, 43 branched, Rawhide;
// EPEL 9 and 10; CentOS Stream 10.
import { parseReleaseTable, type ReleaseTable } from './release-table.loader.js';

export function testReleases(): ReleaseTable {
  return parseReleaseTable(
    {
      releases: [
        { distro: 'fedora', version: 'rawhide', status: 'rawhide' },
        { distro: 'fedora', version: '42', status: 'stable' },
        { distro: 'fedora', version: '41', status: 'stable' },
        { distro: 'fedora', version: '43', status: 'branched' },
        { distro: 'epel', version: '9', status: 'stable' },
        { distro: 'epel', version: '10', status: 'stable' },
        { distro: 'centos-stream', version: '10', status: 'stable' },
      ],
    },
    'test releases',
  );
}
