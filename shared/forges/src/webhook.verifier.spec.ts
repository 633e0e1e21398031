import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { githubSignatureValid } from './github/github.verifier.js';
import { bearerToken, tokenHash, tokenMatches, tokenMatchesHash } from './webhook.verifier.js';

const body = Buffer.from('{"zen":"Keep it logically awesome."}');
const sign = (secret: string, b: Buffer = body) => `sha256=${createHmac('sha256', secret).update(b).digest('hex')}`;

describe('githubSignatureValid', () => {
  it('accepts the HMAC-SHA256 of the raw body, in either hex case', () => {
    expect(githubSignatureValid('s3cret', body, sign('s3cret'))).toBe(true);
    expect(githubSignatureValid('s3cret', body, sign('s3cret').toUpperCase().replace('SHA256=', 'sha256='))).toBe(true);
  });

  it('refuses another secret, another body, and malformed or missing headers', () => {
    expect(githubSignatureValid('s3cret', body, sign('other'))).toBe(false);
    expect(githubSignatureValid('s3cret', Buffer.from(`${body} `), sign('s3cret'))).toBe(false);
    expect(githubSignatureValid('s3cret', body, undefined)).toBe(false);
    expect(githubSignatureValid('s3cret', body, '')).toBe(false);
    expect(githubSignatureValid('s3cret', body, sign('s3cret').slice(0, -2))).toBe(false);
    expect(githubSignatureValid('s3cret', body, sign('s3cret').replace('sha256=', 'sha1='))).toBe(false);
    expect(githubSignatureValid('s3cret', body, `${sign('s3cret')}00`)).toBe(false);
  });
});

describe('tokens', () => {
  it('match only when equal, whatever the lengths', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });

  it('match a stored SHA-256', () => {
    expect(tokenMatchesHash(tokenHash('tf-token'), 'tf-token')).toBe(true);
    expect(tokenMatchesHash(tokenHash('tf-token'), 'tf-tokenx')).toBe(false);
    expect(tokenMatchesHash(null, 'tf-token')).toBe(false);
    expect(tokenMatchesHash('not-a-hash', 'tf-token')).toBe(false);
  });

  it('read a bearer token from Authorization', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });
});
