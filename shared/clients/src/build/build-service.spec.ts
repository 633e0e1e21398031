import { describe, expect, it } from '@jest/globals';
import { buildOutcome, COPR_STATUS_CODES } from './build-service.js';

describe('buildOutcome', () => {
  it.each([
    ['importing', 'waiting'],
    ['pending', 'waiting'],
    ['waiting', 'waiting'],
    ['starting', 'running'],
    ['running', 'running'],
    ['succeeded', 'success'],
    ['forked', 'success'],
    ['failed', 'failure'],
    ['canceled', 'cancelled'],
    ['skipped', 'cancelled'],
    ['something-new', 'waiting'],
  ])('%s is %s', (state, outcome) => {
    expect(buildOutcome(state)).toBe(outcome);
  });

  it('numbers states as Copr messages do', () => {
    expect([
      COPR_STATUS_CODES.failed,
      COPR_STATUS_CODES.succeeded,
      COPR_STATUS_CODES.running,
      COPR_STATUS_CODES.pending,
    ]).toEqual([0, 1, 3, 4]);
  });
});
