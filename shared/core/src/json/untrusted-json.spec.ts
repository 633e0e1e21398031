import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '@packflow/base';
import { parseUntrustedJson, storableText } from './untrusted-json.js';

describe('parseUntrustedJson', () => {
  it('replaces lone surrogates and NUL in values and keys, at any depth, and keeps pairs', () => {
    const deep = '['.repeat(5000) + '"\\ud800"' + ']'.repeat(5000);
    const text = `{"a\\u0000b": ["x\\udc00y", {"k": "\\ud83d\\ude00"}], "deep": ${deep}}`;
    const value = parseUntrustedJson(text) as Record<string, unknown>;
    expect(Object.keys(value).sort()).toEqual(['a\ufffdb', 'deep']);
    expect(value['a\ufffdb']).toEqual(['x\ufffdy', { k: '\u{1f600}' }]);
    let inner: unknown = value.deep;
    while (Array.isArray(inner)) inner = inner[0];
    expect(inner).toBe('\ufffd');
  });

  it('refuses nesting deeper than maxDepth with a ValidationError, and accepts it at the limit', () => {
    const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
    expect(parseUntrustedJson(nested(10), { maxDepth: 10 })).toBeDefined();
    expect(() => parseUntrustedJson(nested(11), { maxDepth: 10, what: 'report' })).toThrow(
      new ValidationError('report nests deeper than 10 levels'),
    );
    expect(() => parseUntrustedJson(nested(1_000_000), { maxDepth: 128 })).toThrow(/nests deeper than 128/);
  });

  it('names empty and invalid input', () => {
    expect(() => parseUntrustedJson('  ')).toThrow('body is empty: expected JSON');
    expect(() => parseUntrustedJson('{"a":', { what: 'message' })).toThrow(/^message is not valid JSON: /);
  });

  it('storableText leaves well-formed text alone', () => {
    const text = 'plain, ünïcode and \u{1f600}';
    expect(storableText(text)).toBe(text);
    expect(storableText('a\0b\ud800')).toBe('a\ufffdb\ufffd');
  });
});
