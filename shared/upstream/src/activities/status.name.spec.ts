import { describe, expect, it } from '@jest/globals';
import { statusName } from './status.reporter.js';

describe('check names, as Packit names them', () => {
  it('keeps a single package repository’s names', () => {
    expect(statusName('copr_build', 'fedora-44-x86_64', null)).toBe('rpm-build:fedora-44-x86_64');
    expect(statusName('tests', 'fedora-44-x86_64', 'smoke')).toBe('testing-farm:fedora-44-x86_64:smoke');
    expect(statusName('srpm_build', 'srpm-builds', null)).toBe('srpm-build');
  });

  it('names the package of one package of several (its identifier when the job has none)', () => {
    expect(statusName('copr_build', 'fedora-44-x86_64', 'lib')).toBe('rpm-build:fedora-44-x86_64:lib');
    expect(statusName('srpm_build', 'srpm-builds', 'lib')).toBe('srpm-build:lib');
  });
});
