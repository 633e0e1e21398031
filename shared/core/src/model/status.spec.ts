import { describe, expect, it } from '@jest/globals';
import { summarizeStatus } from './status.js';

describe('summarizeStatus', () => {
  it.each([
    [[], 'pending'],
    [['pending', 'pending'], 'pending'],
    [['queued', 'pending'], 'queued'],
    [['success', 'queued'], 'running'],
    [['success', 'pending'], 'running'],
    [['running', 'pending'], 'running'],
    [['success', 'success'], 'success'],
    [['success', 'skipped'], 'skipped'],
    [['failure', 'skipped', 'success'], 'failure'],
    [['failure', 'error'], 'error'],
    [['cancelled', 'success'], 'cancelled'],
  ] as const)('%j -> %s', (input, expected) => {
    expect(summarizeStatus(input)).toBe(expected);
  });
});
