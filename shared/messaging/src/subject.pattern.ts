// NATS subject matching for handler patterns: `*` is one token, `>` one or more trailing
// tokens. Lets a worker declare `@EventPattern('upstream.>')` or `'upstream.*.opened'`.

const tokens = (s: string) => s.split('.');

export function isWildcardPattern(pattern: string): boolean {
  return tokens(pattern).some((t) => t === '*' || t === '>');
}

export function subjectMatches(pattern: string, subject: string): boolean {
  const p = tokens(pattern);
  const s = tokens(subject);
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== '*' && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

/** Higher is more specific: literal tokens count most, then `*` over `>`. */
function specificity(pattern: string): number {
  let score = 0;
  for (const t of tokens(pattern)) score += t === '>' ? 0 : t === '*' ? 1 : 100;
  return score;
}

/**
 * Picks the pattern for a subject: an exact match first, else the most specific
 * wildcard pattern that matches (`upstream.github.*` before `upstream.>`).
 */
export function selectPattern(patterns: Iterable<string>, subject: string): string | undefined {
  let best: string | undefined;
  for (const p of patterns) {
    if (p === subject) return p;
    if (!isWildcardPattern(p) || !subjectMatches(p, subject)) continue;
    if (best === undefined || specificity(p) > specificity(best)) best = p;
  }
  return best;
}
