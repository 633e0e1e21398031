import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@packflow/base';
import { parseReleaseTable } from './release-table.loader.js';
import { testReleases } from './testing.releases.js';

describe('parseReleaseTable', () => {
  it('sorts releases by version with Rawhide last, and derives dist-git branches', () => {
    const t = testReleases();
    expect(t.defaultArch).toBe('x86_64');
    expect(t.releases.filter((r) => r.distro === 'fedora').map((r) => [r.version, r.branch])).toEqual([
      ['41', 'f41'],
      ['42', 'f42'],
      ['43', 'f43'],
      ['rawhide', 'rawhide'],
    ]);
    expect(t.releases.filter((r) => r.distro === 'centos-stream').map((r) => r.branch)).toEqual(['c10s']);
  });

  it('says what is wrong and where, all at once', () => {
    const bad = () =>
      parseReleaseTable(
        {
          releases: [
            { distro: 'fedora', version: '41', status: 'released' },
            { distro: 'Fedora!', version: '42', status: 'stable' },
            { distro: 'fedora', version: 'rawhide', status: 'rawhide' },
            { distro: 'fedora', version: 'rawhide', status: 'rawhide' },
          ],
        },
        'ops.json',
      );
    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(/release table ops.json is invalid/);
    expect(bad).toThrow(/releases\[0\]\.status: expected one of stable, branched, rawhide, got "released"/);
    expect(bad).toThrow(/releases\[1\]\.distro/);
    expect(bad).toThrow(/releases\[3\]: fedora-rawhide is listed twice/);
  });

  it('refuses a table without releases', () => {
    expect(() => parseReleaseTable({ releases: [] }, 'x')).toThrow(/non-empty list/);
    expect(() => parseReleaseTable([], 'x')).toThrow(/expected a JSON object/);
  });
});
