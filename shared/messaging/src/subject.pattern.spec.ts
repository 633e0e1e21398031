import { describe, expect, it } from '@jest/globals';
import { isWildcardPattern, selectPattern, subjectMatches } from './subject.pattern.js';

describe('subject patterns', () => {
  it('matches `*` against exactly one token', () => {
    expect(subjectMatches('upstream.*.opened', 'upstream.pull_request.opened')).toBe(true);
    expect(subjectMatches('upstream.*', 'upstream.push')).toBe(true);
    expect(subjectMatches('upstream.*', 'upstream.pull_request.opened')).toBe(false);
    expect(subjectMatches('upstream.*', 'upstream')).toBe(false);
  });

  it('matches `>` against one or more trailing tokens', () => {
    expect(subjectMatches('upstream.>', 'upstream.push')).toBe(true);
    expect(subjectMatches('upstream.>', 'upstream.pull_request.opened')).toBe(true);
    expect(subjectMatches('upstream.>', 'upstream')).toBe(false);
    expect(subjectMatches('upstream.>', 'stream.push')).toBe(false);
  });

  it('matches literal patterns only exactly', () => {
    expect(subjectMatches('upstream.push', 'upstream.push')).toBe(true);
    expect(subjectMatches('upstream.push', 'upstream.push.x')).toBe(false);
    expect(isWildcardPattern('upstream.push')).toBe(false);
    expect(isWildcardPattern('upstream.>')).toBe(true);
  });

  it('prefers an exact pattern, then the most specific wildcard', () => {
    const patterns = ['upstream.>', 'upstream.github.*', 'upstream.github.push', 'stream.>'];
    expect(selectPattern(patterns, 'upstream.github.push')).toBe('upstream.github.push');
    expect(selectPattern(patterns, 'upstream.github.release')).toBe('upstream.github.*');
    expect(selectPattern(patterns, 'upstream.gitlab.push')).toBe('upstream.>');
    expect(selectPattern(patterns, 'other.thing')).toBeUndefined();
  });
});
