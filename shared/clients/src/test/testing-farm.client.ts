// Testing Farm through its API v0.1 (`<api>/v0.1/requests`): the API key goes in the
// Authorization header, the notification webhook and its token in the request as Packit
// sends them; results are read from the request and its xunit.
import { ExternalServiceError } from '@packflow/core';
import { JsonHttpClient, type FetchLike } from '../http/json-http.client.js';
import type {
  ListedTestRequest,
  SubmittedTestRequest,
  TestArtifact,
  TestRequest,
  TestRequestInput,
  TestService,
} from './test-service.js';
import { parseXunit } from './xunit.parser.js';

export interface TestingFarmClientOptions {
  /** The API, e.g. `https://api.testing-farm.io` (with or without `/v0.1`). */
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  fetch?: FetchLike;
  /** Also read the xunit from `xunit_url` when the request has no inline xunit (default true). */
  fetchXunit?: boolean;
}

interface TfRequestBody {
  id: string;
  state: string;
  test?: unknown;
  result?: {
    overall?: string | null;
    summary?: string | null;
    xunit?: string | null;
    xunit_url?: string | null;
  } | null;
  run?: { artifacts?: string | null } | null;
  notes?: { level: string; message: string }[] | null;
  environments_requested?: { variables?: Record<string, string> | null }[] | null;
  created?: string | null;
  updated?: string | null;
}

export class TestingFarmClient implements TestService {
  private readonly http: JsonHttpClient;
  private readonly api: string;
  /** The API key's user (`GET /whoami`), read once. */
  private userId: Promise<string> | undefined;

  constructor(private readonly options: TestingFarmClientOptions) {
    const base = options.baseUrl.replace(/\/+$/, '');
    this.api = /\/v0\.1$/.test(base) ? base : `${base}/v0.1`;
    this.http = new JsonHttpClient({
      service: 'testing-farm',
      baseUrl: this.api,
      headers: () => ({ authorization: `Bearer ${options.apiKey}` }),
      secrets: [options.apiKey],
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
  }

  async submitRequest(input: TestRequestInput): Promise<SubmittedTestRequest> {
    const env = input.environment;
    const artifacts: TestArtifact[] = [...(env.artifacts ?? [])];
    if (env.coprBuild) {
      artifacts.unshift({
        type: 'fedora-copr-build',
        id: `${env.coprBuild.buildId}:${env.coprBuild.chroot}`,
        ...(env.coprBuild.packages?.length ? { packages: env.coprBuild.packages } : {}),
      });
    }
    const fmf = { url: input.fmf.url, ref: input.fmf.ref, path: input.fmf.path ?? '.', name: input.fmf.plan };
    const body = {
      test: { fmf: dropUndefined(fmf) },
      environments: [
        dropUndefined({
          arch: env.arch,
          os: { compose: env.compose },
          artifacts: artifacts.length ? artifacts : undefined,
          variables: env.variables,
          secrets: env.secrets,
          tmt: env.tmtContext ? { context: env.tmtContext } : undefined,
        }),
      ],
      ...(input.notification
        ? { notification: { webhook: { url: input.notification.url, token: input.notification.token } } }
        : {}),
    };
    const what = `submit test request for ${input.fmf.url}${input.fmf.plan ? ` plan ${input.fmf.plan}` : ''} on ${env.compose}/${env.arch}`;
    const answer = await this.http.call<TfRequestBody>({
      method: 'POST',
      path: 'requests',
      body,
      what,
      secrets: [input.notification?.token, ...Object.values(env.secrets ?? {})],
    });
    if (!answer?.id)
      throw new ExternalServiceError('testing-farm', `${what} answered no request id`, { retryable: false });
    return { id: answer.id, state: answer.state ?? 'new', webUrl: this.requestUrl(answer.id) };
  }

  async getRequest(requestId: string): Promise<TestRequest> {
    const body = await this.http.call<TfRequestBody>({
      path: `requests/${encodeURIComponent(requestId)}`,
      what: `get test request ${requestId}`,
    });
    const result = body.result ?? null;
    let xunit = result?.xunit ?? null;
    const xunitUrl = result?.xunit_url ?? null;
    if (!xunit && xunitUrl && this.options.fetchXunit !== false) {
      xunit = await this.http.getText(xunitUrl, `read xunit of test request ${requestId}`);
    }
    const parsed = xunit ? parseXunit(xunit) : { overall: null, tests: [] };
    const artifactsUrl = body.run?.artifacts ?? null;
    return {
      id: body.id,
      state: body.state,
      overall: result?.overall ?? parsed.overall,
      summary: result?.summary ?? null,
      xunitUrl,
      artifactsUrl,
      webUrl: artifactsUrl ?? this.requestUrl(body.id),
      tests: parsed.tests,
      notes: body.notes ?? [],
      created: body.created ?? null,
      updated: body.updated ?? null,
    };
  }

  /**
   * `GET /requests?created_after=…`: the requests created since then, with the variables
   * each was submitted with (how a retry finds the request a crashed attempt created).
   */
  async listRequests(createdAfter: Date): Promise<ListedTestRequest[]> {
    // Only this API key's user's requests: the public ranch lists everyone's.
    this.userId ??= this.http
      .call<{ token?: { user_id?: string } }>({ path: 'whoami', what: 'read who the API key belongs to' })
      .then((body) => {
        if (!body?.token?.user_id)
          throw new ExternalServiceError('testing-farm', 'whoami answered no user id', { retryable: false });
        return body.token.user_id;
      })
      .catch((error: unknown) => {
        this.userId = undefined;
        throw error;
      });
    const body = await this.http.call<TfRequestBody[]>({
      path: 'requests',
      query: { user_id: await this.userId, created_after: createdAfter.toISOString() },
      what: `list test requests created after ${createdAfter.toISOString()}`,
    });
    return (Array.isArray(body) ? body : []).map((r) => ({
      id: r.id,
      state: r.state,
      webUrl: r.run?.artifacts ?? this.requestUrl(r.id),
      variables: Object.assign({}, ...(r.environments_requested ?? []).map((e) => e.variables ?? {})),
    }));
  }

  async cancelRequest(requestId: string): Promise<void> {
    await this.http.call({
      method: 'DELETE',
      path: `requests/${encodeURIComponent(requestId)}`,
      what: `cancel test request ${requestId}`,
    });
  }

  /** The request's page in the API (Testing Farm's own place for it until artifacts exist). */
  requestUrl(requestId: string): string {
    return `${this.api}/requests/${encodeURIComponent(requestId)}`;
  }
}

function dropUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
