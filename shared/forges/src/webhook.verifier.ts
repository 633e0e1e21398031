// Token checks of webhook intake, all constant-time: the GitLab token, the bus's bearer
// token, Testing Farm's per-request token. GitHub's signature is in github/github.verifier.ts.
import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/** SHA-256 of a token, hex: what packflow stores instead of a token it gave out. */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex');
}

/** Compares a given token with the expected one; hashing first keeps the time independent of lengths. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  return timingSafeEqual(sha256(expected), sha256(given));
}

/** Compares a given token with a stored SHA-256 (hex) of the expected one. */
export function tokenMatchesHash(expectedHashHex: string | null, given: string | null | undefined): boolean {
  if (!given || !expectedHashHex || !/^[0-9a-fA-F]{64}$/.test(expectedHashHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHashHex, 'hex'), sha256(given));
}

/** `Authorization: Bearer <token>` -> the token. */
export function bearerToken(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m ? m[1] : null;
}
