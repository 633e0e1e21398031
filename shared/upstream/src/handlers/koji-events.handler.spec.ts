import { describe, expect, it } from '@jest/globals';
import { branchOfKojiTarget } from './koji-events.handler.js';

describe('branchOfKojiTarget', () => {
  it("names the dist-git branch of Fedora's targets, and none for a side tag's", () => {
    expect(branchOfKojiTarget('rawhide')).toBe('rawhide');
    expect(branchOfKojiTarget('f42')).toBe('f42');
    expect(branchOfKojiTarget('f36-candidate')).toBe('f36');
    expect(branchOfKojiTarget('epel9')).toBe('epel9');
    expect(branchOfKojiTarget('f42-build-side-12345')).toBeUndefined();
    expect(branchOfKojiTarget(null)).toBeUndefined();
  });
});
