// How a fake's payload differs in shape from a real one, for the conformance suites.

/** The type of a JSON value: `null`, `array`, `object`, `string`, `number`, `boolean`. */
export function jsonKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Differences between a real payload and ours: keys missing from ours, keys only in ours
 * (unless allowed), and values of another type. A null in the real payload is a nullable
 * field: any type is accepted there. Arrays compare their first elements.
 */
export function shapeDiff(real: unknown, ours: unknown, allowedExtra: string[] = [], path = '$'): string[] {
  if (real === null) return [];
  if (jsonKind(real) !== jsonKind(ours))
    return [`${path}: ${jsonKind(real)} in the real payload, ${jsonKind(ours)} in the fake's`];
  if (Array.isArray(real)) {
    const oursArray = ours as unknown[];
    if (real.length === 0 || oursArray.length === 0) return real.length > 0 ? [`${path}: empty in the fake's`] : [];
    return shapeDiff(real[0], oursArray[0], allowedExtra, `${path}[]`);
  }
  if (jsonKind(real) !== 'object') return [];
  const r = real as Record<string, unknown>;
  const o = ours as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(r)) {
    if (!(key in o)) out.push(`${path}.${key}: missing in the fake's`);
    else out.push(...shapeDiff(r[key], o[key], allowedExtra, `${path}.${key}`));
  }
  for (const key of Object.keys(o))
    if (!(key in r) && !allowedExtra.includes(`${path}.${key}`)) out.push(`${path}.${key}: only in the fake's`);
  return out;
}
