import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '@packflow/core';

/** One submitter as the web service keeps it: a digest of its token and the origins it may write. */
export interface KcidbSubmitter {
  /** sha256 of the token, hex. The token itself is not kept. */
  tokenSha256: string;
  origins: readonly string[];
}

const ORIGIN = /^[a-z0-9_]+$/;

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * Checks the parsed `KCIDB_SUBMITTERS` value, `{"<token>": ["origin_a", …]}`; returns what is
 * wrong (never naming a token) or undefined.
 */
export function checkKcidbSubmitters(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'expected a JSON object {"<token>": ["<origin>", …]}';
  }
  const entries = Object.entries(value);
  for (const [index, [token, origins]] of entries.entries()) {
    const which = `entry ${index + 1} of ${entries.length}`;
    if (token.trim().length < 16) return `${which}: a token must be at least 16 characters long`;
    if (!Array.isArray(origins) || origins.length === 0) return `${which}: expected a non-empty list of origins`;
    const bad = origins.find((o) => typeof o !== 'string' || !ORIGIN.test(o));
    if (bad !== undefined) return `${which}: ${JSON.stringify(bad)} is not an origin (lowercase letters, digits and _)`;
  }
  return undefined;
}

/** Turns a checked `KCIDB_SUBMITTERS` object into submitters that keep only token digests. */
export function toKcidbSubmitters(value: Record<string, readonly string[]>): KcidbSubmitter[] {
  return Object.entries(value).map(([token, origins]) => ({
    tokenSha256: digest(token).toString('hex'),
    origins: Object.freeze([...new Set(origins)]),
  }));
}

/**
 * Finds the origins an `Authorization: Bearer <token>` header may submit for. Compares token
 * digests in constant time against every submitter.
 */
export function authenticateKcidbSubmitter(
  submitters: readonly KcidbSubmitter[],
  authorization: string | undefined,
): readonly string[] {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  if (!match) throw new UnauthorizedError('an Authorization: Bearer <token> header is required');
  const given = digest(match[1]);
  let found: readonly string[] | undefined;
  for (const submitter of submitters) {
    if (timingSafeEqual(given, Buffer.from(submitter.tokenSha256, 'hex'))) found = submitter.origins;
  }
  if (!found) throw new UnauthorizedError('the bearer token is not one of a KCIDB submitter');
  return found;
}
