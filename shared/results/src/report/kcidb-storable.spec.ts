import { describe, expect, it } from '@jest/globals';
import { mayHoldUnstorableText, unstorableText } from './kcidb-storable.js';

describe('unstorableText', () => {
  it('finds NUL and unpaired surrogates anywhere, keys included, with their pointers', () => {
    const value = { a: ['ok', 'x\u0000'], misc: { 'k/\u0000': 1, deep: { s: 'lone \ud800 half' } }, pair: '😀' };
    expect(unstorableText(value)).toEqual([
      { pointer: '/a/1', message: expect.stringContaining('NUL') },
      { pointer: '/misc/k~1\u0000', message: expect.stringContaining('key') },
      { pointer: '/misc/deep/s', message: expect.stringContaining('surrogate') },
    ]);
    expect(unstorableText({ emoji: '😀', text: 'plain \\u0000 is fine' })).toEqual([]);
  });

  it('has a quick test on the JSON text that never misses what the walk finds', () => {
    for (const value of [{ a: 'x\u0000' }, { a: '\udc00' }, { 'k\ud83d': 1 }]) {
      expect(mayHoldUnstorableText(JSON.stringify(value))).toBe(true);
      expect(unstorableText(value)).toHaveLength(1);
    }
    expect(mayHoldUnstorableText(JSON.stringify({ a: 'plain 😀 text' }))).toBe(false);
  });
});
