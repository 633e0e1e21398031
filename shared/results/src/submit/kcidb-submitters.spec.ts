import { describe, expect, it } from '@jest/globals';
import { authenticateKcidbSubmitter, checkKcidbSubmitters, toKcidbSubmitters } from './kcidb-submitters.js';

const TOKEN = 'a-long-enough-token-1';

describe('KCIDB_SUBMITTERS', () => {
  it('accepts tokens mapped to lists of origins', () => {
    expect(checkKcidbSubmitters({ [TOKEN]: ['myci', 'other_ci'] })).toBeUndefined();
    expect(checkKcidbSubmitters({})).toBeUndefined();
  });

  it.each([
    [[], 'JSON object'],
    [{ short: ['myci'] }, 'at least 16 characters'],
    [{ [TOKEN]: [] }, 'non-empty list'],
    [{ [TOKEN]: 'myci' }, 'non-empty list'],
    [{ [TOKEN]: ['MyCI'] }, '"MyCI" is not an origin'],
  ])('refuses %j without naming the token', (value, message) => {
    const problem = checkKcidbSubmitters(value);
    expect(problem).toContain(message);
    expect(problem).not.toContain(TOKEN);
  });

  it('keeps a digest of each token, never the token', () => {
    const submitters = toKcidbSubmitters({ [TOKEN]: ['myci', 'myci'] });
    expect(submitters).toEqual([{ tokenSha256: expect.stringMatching(/^[0-9a-f]{64}$/), origins: ['myci'] }]);
    expect(JSON.stringify(submitters)).not.toContain(TOKEN);
  });
});

describe('authenticateKcidbSubmitter', () => {
  const submitters = toKcidbSubmitters({ [TOKEN]: ['myci'], 'another-token-0000002': ['other'] });

  it('finds the origins of a bearer token', () => {
    expect(authenticateKcidbSubmitter(submitters, `Bearer ${TOKEN}`)).toEqual(['myci']);
    expect(authenticateKcidbSubmitter(submitters, 'bearer another-token-0000002')).toEqual(['other']);
  });

  it.each([undefined, '', TOKEN, `Basic ${TOKEN}`, 'Bearer ', 'Bearer wrong-token-000000000'])(
    'refuses %j as unauthorized',
    (header) => {
      expect(() => authenticateKcidbSubmitter(submitters, header)).toThrow(
        expect.objectContaining({ code: 'unauthorized' }),
      );
    },
  );
});
