import { describe, expect, it } from '@jest/globals';
import { summarizeKcidbStatus } from './kcidb-status.js';

describe('summarizeKcidbStatus', () => {
  it('summarises to the highest-priority status: FAIL > ERROR > MISS > PASS > DONE > SKIP', () => {
    const order = ['FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'] as const;
    for (const [i, status] of order.entries()) {
      expect(summarizeKcidbStatus([...order.slice(i)].reverse())).toBe(status);
    }
    expect(summarizeKcidbStatus(['SKIP', 'PASS', 'DONE'])).toBe('PASS');
    expect(summarizeKcidbStatus(['PASS', 'MISS'])).toBe('MISS');
  });

  it('ignores missing statuses, and has none for an empty set', () => {
    expect(summarizeKcidbStatus([null, 'SKIP', undefined])).toBe('SKIP');
    expect(summarizeKcidbStatus([null])).toBeNull();
    expect(summarizeKcidbStatus([])).toBeNull();
  });
});
