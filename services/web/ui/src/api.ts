// The dashboard's view of the /api/v1 answers (see /api/v1/openapi.json) and how it fetches
// them. Requests use the browser's HTTP cache: answers carry ETags and `no-cache`, so a poll
// of an unchanged pipeline is a 304 without a body.
export type Status = 'pending' | 'queued' | 'running' | 'success' | 'failure' | 'error' | 'skipped' | 'cancelled';

/** GET /api/v1/about. */
export interface About {
  sandbox: boolean;
}

export interface Project {
  id: string;
  forge: string;
  instanceUrl: string;
  namespace: string;
  repo: string;
}

export interface Target {
  id: string;
  kind: string;
  target: string;
  attempt: number;
  status: Status;
  reason: string | null;
  externalId: string | null;
  webUrl: string | null;
  logUrl: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  reused?: boolean;
}

export interface Step {
  id: string;
  key: string;
  job: string;
  package: string | null;
  identifier: string | null;
  status: Status;
  rerunOf: string | null;
  targets: Target[];
}

export interface Edge {
  from: string;
  to: string;
  target: string | null;
}

export interface PipelineSummary {
  id: string;
  status: Status;
  trigger: string;
  rerunOf: string | null;
  rerunKind: string | null;
  createdAt: string;
  finishedAt: string | null;
  commitSha: string;
  ref: { kind: string; name: string };
  eventId: string | null;
  eventType: string | null;
}

export interface Pipeline extends PipelineSummary {
  project: Project;
  event: { id: string; type: string; actor: string | null; receivedAt: string } | null;
  rerunChain: string[];
  reruns: string[];
  steps: Step[];
  edges: Edge[];
}

export interface EventSummary {
  id: string;
  source: string;
  type: string;
  actor: string | null;
  disposition: string;
  reason: string | null;
  receivedAt: string;
  commitSha: string | null;
}

export interface EventView extends EventSummary {
  project: Project | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, signal });
  const body = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (!response.ok) {
    throw new ApiError(response.status, body?.code ?? 'error', body?.message ?? `${path} answered ${response.status}`);
  }
  return body as T;
}

export const api = (path: string) => `/api/v1${path}`;

/** GET /api/v1/me: who is signed in, the session's CSRF token, and where to sign in. */
export interface Me {
  user: { forge: string; instanceUrl: string; login: string } | null;
  csrfToken?: string;
  signIn: { forge: string; url: string }[];
}

export type RerunRequest =
  { scope: 'all' | 'failed' } | { scope: 'step'; step: string } | { scope: 'targets'; step: string; targets: string[] };

/** A POST of the signed-in person: the session cookie goes along, and its CSRF token in X-CSRF-Token. */
export async function postJson<T>(path: string, body: unknown, csrfToken: string | undefined): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      accept: 'application/json',
      'content-type': 'application/json',
      ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}),
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => null)) as { code?: string; message?: string } | null;
  if (!response.ok)
    throw new ApiError(
      response.status,
      answer?.code ?? 'error',
      answer?.message ?? `${path} answered ${response.status}`,
    );
  return answer as T;
}
