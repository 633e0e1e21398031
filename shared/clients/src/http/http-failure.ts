// How a failed call to an external system becomes a PackflowError: 429, 5xx, 408 and
// network trouble are retryable (with the server's Retry-After or rate-limit reset when it
// gave one); 401, 403, 404 and other 4xx are not. Messages name the service and what was
// being done, and never carry a secret: every configured secret is masked out of them.
import { ExternalServiceError } from '@packflow/base';

export type HeaderBag = Record<string, string | string[] | undefined> | Headers;

/** What went wrong with one HTTP call, before it is given a meaning. */
export class HttpFailure extends Error {
  constructor(
    /** Undefined when no answer came (connection refused, reset, timeout). */
    readonly status: number | undefined,
    readonly headers: Record<string, string>,
    /** The server's own words (`error`/`message` of a JSON body, or the text), already short. */
    readonly detail: string,
  ) {
    super(status === undefined ? `no answer: ${detail}` : `${status} ${detail}`);
    this.name = 'HttpFailure';
  }
}

export function headerRecord(headers: HeaderBag | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) {
    headers.forEach((value, key) => (out[key.toLowerCase()] = value));
    return out;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined) out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`. */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  const value = headers['retry-after'];
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** GitHub's primary rate limit: `x-ratelimit-remaining: 0` and the reset time (epoch seconds). */
export function rateLimitResetMs(headers: Record<string, string>, now = Date.now()): number | undefined {
  if (headers['x-ratelimit-remaining'] !== '0') return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  if (!Number.isFinite(reset) || reset <= 0) return 60_000;
  return Math.max(0, reset * 1000 - now);
}

export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Replaces every secret in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('***');
  return out;
}

/** Short, single-line text of an error body for messages. */
export function describeBody(body: unknown, fallback: string): string {
  let text: string;
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    const main = record.error ?? record.message ?? record.detail;
    text = typeof main === 'string' ? main : main !== undefined ? JSON.stringify(main) : '';
    // Validation answers name the offending fields apart from the message.
    if (record.errors !== undefined) text = `${text}${text ? ': ' : ''}${JSON.stringify(record.errors)}`;
    if (!text) text = JSON.stringify(body);
  } else if (typeof body === 'string' && body.trim()) {
    text = body;
  } else {
    text = fallback;
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/**
 * The failure of an answer that is not OK: its status, headers and body in words (a JSON
 * body through `describe`, by default `describeBody`).
 */
export async function responseFailure(
  response: Response,
  describe: (parsed: unknown) => string | undefined = () => undefined,
): Promise<HttpFailure> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return new HttpFailure(
    response.status,
    headerRecord(response.headers),
    describe(parsed) ?? describeBody(parsed ?? text, response.statusText),
  );
}

const STATUS_WORDS: Record<number, string> = {
  400: 'rejected the request',
  401: 'authentication failed',
  403: 'permission denied',
  404: 'not found',
  409: 'conflict',
  422: 'rejected the request',
  429: 'rate limited',
};

export interface FailureContext {
  /** `copr`, `testing-farm`, `github`, `gitlab`. */
  service: string;
  /** What was being done: `get build 42`, `create check run "rpm-build:fedora-41-x86_64" on owner/repo`. */
  what: string;
  /** Secrets that must not appear in the message. */
  secrets: readonly (string | undefined)[];
  now?: number;
  /** A retryable delay the caller worked out (GitHub rate-limit reset). */
  retryAfterMs?: number;
  /** Forces retryability (GitHub 403 with a rate-limit header is retryable). */
  retryable?: boolean;
}

/** The ExternalServiceError for a failed call. */
export function toServiceError(failure: HttpFailure, context: FailureContext): ExternalServiceError {
  const { status, headers } = failure;
  const retryable = context.retryable ?? isRetryableStatus(status);
  const delay = retryable ? (context.retryAfterMs ?? retryAfterMs(headers, context.now)) : undefined;
  const head =
    status === undefined
      ? 'no answer'
      : `${status}${STATUS_WORDS[status] ? ` ${STATUS_WORDS[status]}` : status >= 500 ? ' server error' : ''}`;
  const after = delay !== undefined ? ` (retry after ${Math.ceil(delay / 1000)} s)` : '';
  const message = maskSecrets(`${context.what} failed: ${head}: ${failure.detail}${after}`, context.secrets);
  // The cause is a plain error with the same masked words: library errors keep request
  // objects (with their authorization headers) that must not reach a log.
  return new ExternalServiceError(context.service, message, {
    status,
    retryable,
    retryAfterMs: delay,
    cause: new Error(maskSecrets(failure.message, context.secrets)),
  });
}

/** A thrown fetch error (refused, reset, DNS, timeout) as an HttpFailure with no status. */
export function networkFailure(error: unknown): HttpFailure {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return new HttpFailure(undefined, {}, 'timed out');
  const code = e?.cause?.code;
  const text = code ? `${code}${e.cause?.message ? ` ${e.cause.message}` : ''}` : (e?.message ?? String(error));
  return new HttpFailure(undefined, {}, text);
}
