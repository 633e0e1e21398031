// GitHub's webhook check: `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body with
// the webhook secret; nothing is parsed before it matches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookHeader } from '../forge.types.js';

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

/** Why a GitHub webhook is not from GitHub, or null when its signature matches. */
export function verifyGithubWebhook(secret: string, rawBody: Buffer, header: WebhookHeader): string | null {
  const signature = header('x-hub-signature-256');
  if (!signature) return 'missing X-Hub-Signature-256 header';
  return githubSignatureValid(secret, rawBody, signature) ? null : 'X-Hub-Signature-256 does not match the body';
}
