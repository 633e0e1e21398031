import { describe, expect, it } from '@jest/globals';
import type { KcidbReport } from '../report/kcidb-report.types.js';
import { assertOriginsAllowed, foreignObjects } from './kcidb-origins.js';

const report: KcidbReport = {
  version: { major: 5 },
  checkouts: [{ id: 'myci:c', origin: 'myci' }],
  builds: [{ id: 'myci:b', origin: 'myci', checkout_id: 'maestro:c' }],
  tests: [
    { id: 'myci:t', origin: 'myci', build_id: 'maestro:b' },
    { id: 'maestro:t', origin: 'maestro', build_id: 'myci:b' },
  ],
  incidents: [{ id: 'maestro:x', origin: 'myci', issue_id: 'maestro:i', issue_version: 0 }],
};

describe('origin authorization', () => {
  it('lets objects name parents of any origin', () => {
    expect(foreignObjects({ ...report, tests: [report.tests![0]], incidents: [] }, ['myci'])).toEqual([]);
  });

  it('finds every object of another origin, by its origin or by the origin part of its id', () => {
    expect(foreignObjects(report, ['myci'])).toEqual([
      { pointer: '/tests/1', message: expect.stringContaining('maestro:t has origin "maestro"') },
      { pointer: '/incidents/0', message: expect.stringContaining('maestro:x has an id of origin "maestro"') },
    ]);
    expect(foreignObjects(report, ['myci', 'maestro'])).toEqual([]);
  });

  it('refuses the whole report as forbidden, naming the first object and counting the rest', () => {
    expect(() => assertOriginsAllowed(report, ['myci'])).toThrow(
      expect.objectContaining({
        code: 'forbidden',
        message: expect.stringMatching(/^\/tests\/1: maestro:t .*\(and 1 more\); this token may submit for myci$/),
      }),
    );
  });
});
