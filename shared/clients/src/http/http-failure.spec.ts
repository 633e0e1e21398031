import { describe, expect, it } from '@jest/globals';
import { ExternalServiceError } from '@packflow/core';
import {
  HttpFailure,
  describeBody,
  maskSecrets,
  rateLimitResetMs,
  retryAfterMs,
  toServiceError,
} from './http-failure.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(retryAfterMs({ 'retry-after': '1' }, NOW)).toBe(1000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, NOW)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 12:00:30 GMT' }, NOW)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 11:00:00 GMT' }, NOW)).toBe(0);
    expect(retryAfterMs({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(retryAfterMs({}, NOW)).toBeUndefined();
  });
});

describe('rateLimitResetMs', () => {
  it('is the time to x-ratelimit-reset when nothing remains, else undefined', () => {
    expect(rateLimitResetMs({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 90) }, NOW)).toBe(
      90_000,
    );
    expect(rateLimitResetMs({ 'x-ratelimit-remaining': '0' }, NOW)).toBe(60_000);
    expect(
      rateLimitResetMs({ 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': String(NOW / 1000 + 90) }, NOW),
    ).toBeUndefined();
  });
});

describe('toServiceError', () => {
  const context = { service: 'copr', what: 'get build 7', secrets: ['s3cr3t-token'], now: NOW };

  it.each([
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [408, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
  ])('status %i is retryable: %s', (status, retryable) => {
    const error = toServiceError(new HttpFailure(status, { 'retry-after': '3' }, 'x'), context);
    expect(error).toBeInstanceOf(ExternalServiceError);
    expect(error).toMatchObject({
      status,
      retryable,
      retryAfterMs: retryable ? 3000 : undefined,
      code: 'external_service_failed',
    });
  });

  it('makes no answer retryable and names what failed', () => {
    const error = toServiceError(new HttpFailure(undefined, {}, 'ECONNREFUSED'), context);
    expect(error).toMatchObject({ retryable: true, status: undefined });
    expect(error.message).toBe('copr: get build 7 failed: no answer: ECONNREFUSED');
  });

  it('masks every secret in the message and the cause', () => {
    const error = toServiceError(new HttpFailure(401, {}, 'token s3cr3t-token is invalid'), context);
    expect(error.message).toBe('copr: get build 7 failed: 401 authentication failed: token *** is invalid');
    expect(String((error.cause as Error).message)).not.toContain('s3cr3t-token');
  });
});

describe('describeBody', () => {
  it('takes the service error words, adds validation errors, and keeps one short line', () => {
    expect(describeBody({ error: 'Build 1 does not exist.' }, 'x')).toBe('Build 1 does not exist.');
    expect(describeBody({ message: 'Invalid', errors: { arch: 'bad' } }, 'x')).toBe('Invalid: {"arch":"bad"}');
    expect(describeBody('  line one\n line two ', 'x')).toBe('line one line two');
    expect(describeBody('', 'Bad Gateway')).toBe('Bad Gateway');
    expect(describeBody('y'.repeat(400), 'x')).toHaveLength(300);
  });

  it('maskSecrets leaves text alone when there is nothing to mask', () => {
    expect(maskSecrets('abc', [undefined, ''])).toBe('abc');
  });
});
