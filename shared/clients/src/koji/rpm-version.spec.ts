// RPM's version order, on the cases rpm's own test suite (rpmvercmp.at) checks.
import { describe, expect, it } from '@jest/globals';
import { evrCompare, rpmVersionCompare } from './rpm-version.js';

describe('rpmVersionCompare', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '2.0', -1],
    ['2.0.1', '2.0', 1],
    ['2.0.1a', '2.0.1', 1],
    ['5.5p1', '5.5p10', -1],
    ['10xyz', '10.1xyz', -1],
    ['xyz10', 'xyz10.1', -1],
    ['1.0aa', '1.0a', 1],
    ['10.0001', '10.1', 0],
    ['10.0001', '10.0039', -1],
    ['4.999.9', '5.0', -1],
    ['20101121', '20101122', -1],
    ['2_0', '2_0', 0],
    ['2.0', '2_0', 0],
    ['a', '1', -1],
    ['a+', 'a_', 0],
    ['+', '_', 0],
    ['1.0~rc1', '1.0', -1],
    ['1.0~rc1', '1.0~rc2', -1],
    ['1.0~rc1~git123', '1.0~rc1', -1],
    ['1.0^', '1.0', 1],
    ['1.0^git1', '1.0', 1],
    ['1.0^git1', '1.0.1', -1],
    ['1.0^git1', '1.0^git2', -1],
    ['1.0~rc1^git1', '1.0~rc1', 1],
  ])('%s against %s: %i', (a, b, expected) => {
    expect(Math.sign(rpmVersionCompare(a, b))).toBe(expected);
    expect(Math.sign(rpmVersionCompare(b, a))).toBe(-expected || 0);
  });
});

describe('evrCompare', () => {
  it('compares the epoch first (none is 0), then the version, then the release', () => {
    const evr = (epoch: number | null, version: string, release: string) => ({ epoch, version, release });
    expect(evrCompare(evr(1, '1.0', '1.fc42'), evr(null, '9.0', '1.fc42'))).toBe(1);
    expect(evrCompare(evr(0, '1.0', '1.fc42'), evr(null, '1.0', '1.fc42'))).toBe(0);
    expect(evrCompare(evr(null, '1.0', '2.fc42'), evr(null, '1.0', '10.fc42'))).toBe(-1);
    expect(evrCompare(evr(null, '1.10', '1.fc42'), evr(null, '1.9', '9.fc42'))).toBe(1);
  });
});
