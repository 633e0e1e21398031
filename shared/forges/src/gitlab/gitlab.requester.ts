// The request handler under @gitbeaker/rest resources: one attempt per call. Gitbeaker's
// own handler retries 429 and 502 ten times within a second and then loses the status and
// the Retry-After header; packflow retries through the engine's policy instead, so failures
// keep their status and headers here (HttpFailure) and become ExternalServiceErrors with
// the name of what failed in GitlabForge.
import {
  createRequesterFn,
  type RequestHandlerFn,
  type RequesterType,
  type ResourceOptions,
} from '@gitbeaker/requester-utils';
import { HttpFailure, describeBody, headerRecord, networkFailure } from '@packflow/clients';

interface HandlerOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: RequestInit['body'];
  signal?: AbortSignal;
  prefixUrl?: string;
  searchParams?: string;
  asStream?: boolean;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim();
  const text = await response.text();
  if (type === 'application/json') return text ? JSON.parse(text) : {};
  return text;
}

async function singleAttempt(endpoint: string, options: HandlerOptions = {}) {
  const base = options.prefixUrl?.endsWith('/') ? options.prefixUrl : `${options.prefixUrl ?? ''}/`;
  const url = new URL(endpoint, base);
  url.search = options.searchParams ?? '';
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: options.signal,
    });
  } catch (error) {
    throw networkFailure(error);
  }
  const headers = headerRecord(response.headers);
  if (!response.ok) {
    let body: unknown;
    try {
      body = await readBody(response);
    } catch {
      body = undefined;
    }
    throw new HttpFailure(response.status, headers, describeBody(body, response.statusText || 'no details'));
  }
  return { body: await readBody(response), headers, status: response.status };
}

/** A gitbeaker requester whose calls are made once, with failures as HttpFailure. */
export const singleAttemptRequester: (options: ResourceOptions) => RequesterType = createRequesterFn(
  (_service, requestOptions) => Promise.resolve(requestOptions),
  singleAttempt as unknown as RequestHandlerFn,
);
