// Secret: a configured token or webhook secret that never shows in logs.
import { inspect } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { Secret } from './secret.js';

describe('Secret', () => {
  it('never shows its value in strings, JSON or inspect output', () => {
    const secret = new Secret('hunter2');
    expect(secret.reveal()).toBe('hunter2');
    expect(`${secret}`).toBe('[secret]');
    expect(JSON.stringify({ secret })).toBe('{"secret":"[secret]"}');
    expect(inspect({ secret })).not.toContain('hunter2');
    expect(Secret.optional(undefined)).toBeNull();
  });
});
