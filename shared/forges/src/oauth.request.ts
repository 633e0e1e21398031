// The two HTTP calls of an OAuth sign-in (code for token, token for person), shared by the
// GitHub and GitLab flows. Neither the code, the secret nor the token ever appears in an
// error message: errors name the forge, the endpoint and the forge's error code only.
import { ExternalServiceError, UnauthorizedError } from '@packflow/base';

const TIMEOUT_MS = 10_000;

async function call(
  service: string,
  what: string,
  url: string,
  init: RequestInit,
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    throw new ExternalServiceError(service, `${what} failed: ${(error as Error).name}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status >= 500)
    throw new ExternalServiceError(service, `${what} answered ${response.status}`, { status: response.status });
  return { status: response.status, body };
}

/** POSTs the token request (form-encoded) and answers the access token, or refuses the sign-in. */
export async function exchangeCode(service: string, url: string, form: Record<string, string>): Promise<string> {
  const { status, body } = await call(service, 'the token request', url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const answer = (body ?? {}) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (status === 200 && typeof answer.access_token === 'string' && answer.access_token) return answer.access_token;
  const reason = typeof answer.error === 'string' ? answer.error : `status ${status}`;
  const description = typeof answer.error_description === 'string' ? `: ${answer.error_description}` : '';
  throw new UnauthorizedError(`${service} refused the sign-in (${reason}${description}); sign in again`);
}

/** GETs the person an access token belongs to. */
export async function fetchUser(service: string, url: string, token: string): Promise<Record<string, unknown>> {
  const { status, body } = await call(service, 'the user request', url, {
    headers: { accept: 'application/json', authorization: `Bearer ${token}` },
  });
  if (status !== 200 || typeof body !== 'object' || body === null)
    throw new UnauthorizedError(`${service} did not tell who signed in (status ${status}); sign in again`);
  return body as Record<string, unknown>;
}
