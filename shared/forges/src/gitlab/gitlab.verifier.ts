// GitLab's webhook check: `X-Gitlab-Token` is the secret token configured on the hook,
// compared in constant time before anything is parsed.
import type { WebhookHeader } from '../forge.types.js';
import { tokenMatches } from '../webhook.verifier.js';

/** Why a GitLab webhook is not from GitLab, or null when its token matches. */
export function verifyGitlabWebhook(token: string, _rawBody: Buffer, header: WebhookHeader): string | null {
  const given = header('x-gitlab-token');
  if (!given) return 'missing X-Gitlab-Token header';
  return tokenMatches(token, given) ? null : 'X-Gitlab-Token does not match';
}
