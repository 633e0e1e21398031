// Signature and token checks of the intake, all constant-time.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

/** SHA-256 of a token, hex: what packflow stores instead of a token it gave out. */
export function tokenHash(token: string): string {
  return sha256(token).toString('hex');
}

/**
 * GitHub's `X-Hub-Signature-256: sha256=<hex>`: HMAC-SHA256 of the raw body with the
 * webhook secret.
 */
export function githubSignatureValid(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  const m = header ? /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim()) : null;
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'));
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
