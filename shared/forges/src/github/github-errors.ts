// Octokit's RequestError (name `HttpError`, `status`, `response.headers`/`data`; status
// 500 without a response when no answer came) as a packflow ExternalServiceError. GitHub's
// primary rate limit (`x-ratelimit-remaining: 0` + `x-ratelimit-reset`) and secondary
// limits (403/429 with `Retry-After`) are retryable like 5xx; 401/403/404 are not.
import type { ExternalServiceError } from '@packflow/core';
import {
  HttpFailure,
  describeBody,
  headerRecord,
  networkFailure,
  rateLimitResetMs,
  retryAfterMs,
  toServiceError,
} from '@packflow/clients';

interface OctokitErrorShape {
  name?: string;
  status?: number;
  message?: string;
  response?: { status?: number; headers?: Record<string, string | number | undefined>; data?: unknown };
}

export function isOctokitError(error: unknown): error is OctokitErrorShape {
  return !!error && typeof error === 'object' && typeof (error as OctokitErrorShape).status === 'number';
}

/** The HTTP failure behind an octokit error (a network failure when no answer came). */
export function octokitFailure(error: unknown): HttpFailure {
  if (!isOctokitError(error) || !error.response) return networkFailure(error);
  const headers = headerRecord(error.response.headers as Record<string, string>);
  return new HttpFailure(error.status, headers, describeBody(error.response.data, error.message ?? 'no details'));
}

export function githubError(
  error: unknown,
  what: string,
  secrets: readonly (string | undefined)[],
  now = Date.now(),
): ExternalServiceError {
  const failure = octokitFailure(error);
  const { status, headers } = failure;
  if (status === 403 || status === 429) {
    const reset = rateLimitResetMs(headers, now);
    const after = retryAfterMs(headers, now);
    if (reset !== undefined || after !== undefined) {
      return toServiceError(failure, {
        service: 'github',
        what,
        secrets,
        now,
        retryable: true,
        retryAfterMs: after ?? reset,
      });
    }
  }
  return toServiceError(failure, { service: 'github', what, secrets, now });
}
