// A small fetch-based JSON client for the REST APIs that have no official JS library
// (Copr API v3, Testing Farm API v0.1): one attempt per call with a time limit; failures
// become ExternalServiceErrors (see http-failure.ts). Retries are the caller's: the engine
// retries activities by their retry policy and honours `retryAfterMs`.
import type { ExternalServiceError } from '@packflow/base';
import { HttpFailure, describeBody, headerRecord, networkFailure, toServiceError } from './http-failure.js';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface JsonHttpOptions {
  service: string;
  /** Base URL every path is resolved against (no trailing slash needed). */
  baseUrl: string;
  /** Headers sent with every call (authorization). */
  headers?: () => Record<string, string>;
  /** Secrets masked out of error messages. */
  secrets: readonly (string | undefined)[];
  /** Time limit of one call (default 30 s). */
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface JsonRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the base URL, already encoded. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** For error messages: `get build 42`. */
  what: string;
  /** Answer statuses that are not failures but `undefined` (e.g. 404 for "does not exist"). */
  absentOn?: number[];
  /** Secrets of this call (besides the client's) masked out of error messages. */
  secrets?: readonly (string | undefined)[];
}

export class JsonHttpClient {
  private readonly base: string;
  private readonly fetchFn: FetchLike;

  constructor(private readonly options: JsonHttpOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  url(path: string, query?: Record<string, string | number | undefined>): string {
    const url = new URL(`${this.base}/${path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(query ?? {}))
      if (value !== undefined) url.searchParams.set(key, String(value));
    return url.toString();
  }

  /** The parsed JSON answer, or undefined when the status is one of `absentOn`. */
  async request<T>(request: JsonRequest): Promise<T | undefined> {
    const headers: Record<string, string> = { accept: 'application/json', ...this.options.headers?.() };
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    let response: Response;
    try {
      response = await this.fetchFn(this.url(request.path, request.query), {
        method: request.method ?? 'GET',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw this.fail(networkFailure(error), request.what, request.secrets);
    }
    const text = await response.text().catch(() => '');
    if (request.absentOn?.includes(response.status)) return undefined;
    const parsed = parseJson(text);
    if (!response.ok) {
      const detail = describeBody(parsed ?? text, response.statusText || 'no details');
      throw this.fail(
        new HttpFailure(response.status, headerRecord(response.headers), detail),
        request.what,
        request.secrets,
      );
    }
    if (parsed === undefined && text.trim()) {
      throw this.fail(
        new HttpFailure(502, {}, `answer is not JSON: ${text.slice(0, 80)}`),
        request.what,
        request.secrets,
      );
    }
    return parsed as T;
  }

  /** Like request, for calls whose answer must exist. */
  async call<T>(request: Omit<JsonRequest, 'absentOn'>): Promise<T> {
    return (await this.request<T>(request)) as T;
  }

  /** A plain GET of text at an absolute URL (xunit files); failures mapped the same way. */
  async getText(url: string, what: string): Promise<string> {
    let response: Response;
    try {
      response = await this.fetchFn(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    } catch (error) {
      throw this.fail(networkFailure(error), what);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok)
      throw this.fail(
        new HttpFailure(response.status, headerRecord(response.headers), describeBody(text, response.statusText)),
        what,
      );
    return text;
  }

  fail(failure: HttpFailure, what: string, secrets: readonly (string | undefined)[] = []): ExternalServiceError {
    return toServiceError(failure, {
      service: this.options.service,
      what,
      secrets: [...this.options.secrets, ...secrets],
    });
  }
}

function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
