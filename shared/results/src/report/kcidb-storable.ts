import type { KcidbViolation } from './kcidb-report.types.js';
import { pointerToken } from './kcidb-report.validator.js';

/** NUL, or half of a surrogate pair: text PostgreSQL's jsonb cannot hold. */
const UNSTORABLE = /\0|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Strings (keys or values, anywhere, `misc` included) that the store cannot keep. KCIDB's
 * schema forbids NUL in its own fields but not inside `misc`; PostgreSQL refuses it
 * everywhere, so such a report is refused with the place named instead of failing later.
 */
export function unstorableText(value: unknown, pointer = '', found: KcidbViolation[] = []): KcidbViolation[] {
  if (found.length >= 100) return found;
  if (typeof value === 'string') {
    if (UNSTORABLE.test(value))
      found.push({ pointer, message: 'contains a NUL character or an unpaired surrogate, which cannot be stored' });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => unstorableText(item, `${pointer}/${index}`, found));
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = `${pointer}/${pointerToken(key)}`;
      if (UNSTORABLE.test(key))
        found.push({
          pointer: at,
          message: 'is a key with a NUL character or an unpaired surrogate, which cannot be stored',
        });
      unstorableText(item, at, found);
    }
  }
  return found;
}

/**
 * A quick test on the JSON text of a value: false means `unstorableText` would find nothing.
 * JSON.stringify writes NUL as \u0000 and an unpaired surrogate as \udXXX, and nothing else
 * that way (a real backslash is doubled), so only a hit needs the walk that finds the place.
 */
export const mayHoldUnstorableText = (json: string): boolean => /\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(json);
