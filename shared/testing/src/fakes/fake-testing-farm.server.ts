// A stateful fake of Testing Farm's API v0.1: requests are submitted, read (in the shape
// of a real request result: test.fmf, environments_requested, notes, result with overall,
// xunit and xunit_url, run.artifacts) and cancelled. Tests move a request on with
// start/finish; the fake then POSTs `{"request_id", "token", "source"}` to the
// notification webhook given at submit time, as Testing Farm does. With `autoRun`,
// requests start and finish by themselves after a delay (the sandbox of `pnpm start`); the
// artifacts URL a result gives is served (a page, the xunit, each test's log).
import { randomUUID } from 'node:crypto';
import {
  deliver,
  FakeHttpServer,
  pythonTimestamp,
  type Delivery,
  type FakeRequest,
  type FakeResponse,
} from './fake-http.server.js';

export interface FakeTestingFarmOptions {
  /** The API key the fake accepts (default `tf-api-key`). */
  apiKey?: string;
  /** Put the xunit in `result.xunit` too, as older results did (default true; `xunit_url` is always set). */
  inlineXunit?: boolean;
  /** Requests run by themselves, as in the real Testing Farm, instead of being moved on by the test. */
  autoRun?: {
    /** How long a request waits in the queue, and then runs. */
    stepMs: number;
    /** Its result (default passed). */
    result?: (request: FakeTfRequest) => 'passed' | 'failed' | 'error';
  };
}

export type FakeTestResult = 'passed' | 'failed' | 'error' | 'skipped';

export interface FakeTestCase {
  name: string;
  result: FakeTestResult;
  durationSeconds?: number;
  /** The plan (testsuite) it belongs to (default `/plans/default`). */
  plan?: string;
}

export interface FakeTfRequest {
  id: string;
  state: 'new' | 'queued' | 'running' | 'complete' | 'error' | 'canceled';
  /** The submit body without the API key (the notification token is kept for sending). */
  request: Record<string, unknown>;
  fmf: { url: string; ref: string | null; path: string; name: string | null };
  environments: {
    arch: string;
    compose: string;
    artifacts: { id: string; type: string; packages: string[] | null }[];
    variables: Record<string, string> | null;
  }[];
  notification: { url: string; token: string } | null;
  overall: FakeTestResult | null;
  summary: string | null;
  tests: FakeTestCase[];
  created: string;
  updated: string;
}

export interface TestingFarmNotification {
  request_id: string;
  token: string;
  source: string;
}

export class FakeTestingFarm extends FakeHttpServer {
  readonly testRequests = new Map<string, FakeTfRequest>();
  /** Every notification sent, with the receiver's answer. */
  readonly notificationsSent: Delivery<TestingFarmNotification>[] = [];
  private readonly userId = randomUUID();
  private readonly tokenId = randomUUID();

  private constructor(private readonly options: FakeTestingFarmOptions) {
    super();
    this.route('POST', '/v0.1/requests', (r) => this.authorized(r) ?? this.submit(r));
    this.route('GET', '/v0.1/requests', (r) => this.list(r));
    this.route('GET', '/v0.1/whoami', (r) => this.authorized(r) ?? this.json(200, this.whoami()));
    this.route('GET', '/v0.1/requests/:id', (r) =>
      this.withRequest(r.params.id, (t) => this.json(200, this.resultBody(t))),
    );
    this.route(
      'DELETE',
      '/v0.1/requests/:id',
      (r) => this.authorized(r) ?? this.withRequest(r.params.id, (t) => this.cancel(t)),
    );
    this.route('GET', '/artifacts/:id/results.xml', (r) =>
      this.withRequest(r.params.id, (t) =>
        t.overall ? { status: 200, text: this.xunit(t), contentType: 'application/xml' } : this.error(404, 'Not Found'),
      ),
    );
    this.route('GET', '/artifacts/:id', (r) => this.withRequest(r.params.id, (t) => this.artifactsPage(t)));
    this.route('GET', '/artifacts/:id/*path', (r) =>
      this.withRequest(r.params.id, (t) =>
        t.state === 'new' ? this.error(404, 'Not Found') : { status: 200, text: this.testLog(t, r.params.path) },
      ),
    );
  }

  static async start(options: FakeTestingFarmOptions = {}): Promise<FakeTestingFarm> {
    return new FakeTestingFarm(options).listen();
  }

  get apiKey(): string {
    return this.options.apiKey ?? 'tf-api-key';
  }

  /** The API root clients are given (`<fake>/v0.1`). */
  get apiUrl(): string {
    return `${this.url}/v0.1`;
  }

  testRequest(requestId: string): FakeTfRequest {
    const request = this.testRequests.get(requestId);
    if (!request) throw new Error(`fake Testing Farm has no request ${requestId}`);
    return request;
  }

  /** The request starts running; Testing Farm notifies. */
  async start(requestId: string): Promise<Delivery<TestingFarmNotification>> {
    const request = this.testRequest(requestId);
    if (request.state !== 'new' && request.state !== 'queued')
      throw new Error(`fake Testing Farm: request ${requestId} is ${request.state}`);
    request.state = 'running';
    request.updated = pythonTimestamp();
    return this.notify(request);
  }

  /**
   * The request ends: `passed`/`failed` complete with these test cases (default one
   * `/tests/smoke` with that result); `error` ends the request in state error.
   */
  async finish(
    requestId: string,
    result: 'passed' | 'failed' | 'error',
    tests?: FakeTestCase[],
  ): Promise<Delivery<TestingFarmNotification>> {
    const request = this.testRequest(requestId);
    if (['complete', 'error', 'canceled'].includes(request.state))
      throw new Error(`fake Testing Farm: request ${requestId} is ${request.state}`);
    request.tests = tests ?? (result === 'error' ? [] : [{ name: '/tests/smoke', result }]);
    request.overall = result;
    request.state = result === 'error' ? 'error' : 'complete';
    const counts = request.tests.reduce<Record<string, number>>(
      (acc, t) => ({ ...acc, [t.result]: (acc[t.result] ?? 0) + 1 }),
      {},
    );
    request.summary =
      result === 'error'
        ? 'Guest provisioning failed'
        : Object.entries(counts)
            .map(([k, n]) => `${n} ${k}`)
            .join(', ') || null;
    request.updated = pythonTimestamp();
    return this.notify(request);
  }

  protected errorBody(status: number, message: string): unknown {
    return { code: status, message };
  }

  private authorized(r: FakeRequest): FakeResponse | undefined {
    const header = String(r.headers.authorization ?? '');
    const bodyKey = (r.body as { api_key?: unknown } | undefined)?.api_key;
    const given = header.startsWith('Bearer ') ? header.slice(7) : typeof bodyKey === 'string' ? bodyKey : undefined;
    if (given === this.apiKey) return undefined;
    return this.error(401, 'Not authorized to perform this action');
  }

  private submit(r: FakeRequest): FakeResponse {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const test = (body.test ?? {}) as Record<string, Record<string, unknown> | undefined>;
    const fmf = test.fmf ?? test.tmt;
    const envs = Array.isArray(body.environments) ? (body.environments as Record<string, unknown>[]) : [];
    const errors: Record<string, string> = {};
    if (!fmf || typeof fmf.url !== 'string') errors['test.fmf.url'] = 'field required';
    if (envs.length === 0) errors.environments = 'at least one environment is required';
    envs.forEach((e, i) => {
      if (typeof e.arch !== 'string') errors[`environments.${i}.arch`] = 'field required';
      if (typeof (e.os as { compose?: unknown } | undefined)?.compose !== 'string')
        errors[`environments.${i}.os.compose`] = 'field required';
    });
    if (Object.keys(errors).length) return this.json(400, { code: 400, message: 'Invalid request', errors });
    const webhook = (body.notification as { webhook?: { url?: string; token?: string } } | undefined)?.webhook;
    const { api_key: _key, ...request } = body;
    const at = pythonTimestamp();
    const entry: FakeTfRequest = {
      id: randomUUID(),
      state: 'new',
      request,
      fmf: {
        url: String(fmf!.url),
        ref: (fmf!.ref as string) ?? null,
        path: (fmf!.path as string) ?? '.',
        name: (fmf!.name as string) ?? null,
      },
      environments: envs.map((e) => ({
        arch: String(e.arch),
        compose: String((e.os as { compose: string }).compose),
        artifacts: (Array.isArray(e.artifacts) ? (e.artifacts as Record<string, unknown>[]) : []).map((a) => ({
          id: String(a.id),
          type: String(a.type),
          packages: Array.isArray(a.packages) ? a.packages.map(String) : null,
        })),
        variables: (e.variables as Record<string, string>) ?? null,
      })),
      notification: webhook?.url ? { url: webhook.url, token: webhook.token ?? '' } : null,
      overall: null,
      summary: null,
      tests: [],
      created: at,
      updated: at,
    };
    this.testRequests.set(entry.id, entry);
    const run = this.options.autoRun;
    if (run) {
      this.later(run.stepMs, async () => {
        if (entry.state !== 'new') return;
        await this.start(entry.id);
        this.later(run.stepMs, async () => {
          if (entry.state === 'running') await this.finish(entry.id, run.result?.(entry) ?? 'passed');
        });
      });
    }
    return this.json(200, {
      id: entry.id,
      test: request.test,
      state: entry.state,
      environments: request.environments,
      notification: webhook?.url ? { webhook: { url: webhook.url } } : null,
      created: entry.created,
      updated: entry.updated,
    });
  }

  /** The API key's token and user, as `GET /v0.1/whoami` answers them. */
  private whoami() {
    const at = pythonTimestamp(new Date(0));
    return {
      token: {
        id: this.tokenId,
        name: 'packflow',
        enabled: true,
        ranch: 'public',
        role: 'user',
        user_id: this.userId,
        created: at,
        updated: at,
      },
      user: {
        id: this.userId,
        auth_id: 'packflow',
        auth_method: 'fas',
        auth_name: 'packflow',
        enabled: true,
        created: at,
        updated: at,
      },
    };
  }

  /** `GET /v0.1/requests`: filtered by `user_id`, `created_after`/`created_before` and `state`, oldest first. */
  private list(r: FakeRequest): FakeResponse {
    const time = (name: string) => {
      const value = r.query.get(name);
      return value ? Date.parse(value.endsWith('Z') || /[+-]\d\d:\d\d$/.test(value) ? value : `${value}Z`) : undefined;
    };
    const after = time('created_after');
    const before = time('created_before');
    if (Number.isNaN(after) || Number.isNaN(before)) return this.json(422, { code: 422, message: 'Invalid datetime' });
    const state = r.query.get('state');
    const user = r.query.get('user_id');
    // Every request here is this fake's one user's: another user's filter lists none.
    if (user && user !== this.userId) return this.json(200, []);
    const items = [...this.testRequests.values()].filter((t) => {
      const created = Date.parse(`${t.created.replace(' ', 'T').slice(0, 23)}Z`);
      return (
        (after === undefined || created > after) &&
        (before === undefined || created < before) &&
        (!state || t.state === state)
      );
    });
    return this.json(
      200,
      items.map((t) => this.resultBody(t)),
    );
  }

  private cancel(request: FakeTfRequest): FakeResponse {
    if (['complete', 'error', 'canceled'].includes(request.state))
      return this.error(409, `Request ${request.id} is ${request.state} and cannot be canceled`);
    request.state = 'canceled';
    request.updated = pythonTimestamp();
    return this.json(200, this.resultBody(request));
  }

  private withRequest(id: string, fn: (request: FakeTfRequest) => FakeResponse): FakeResponse {
    const request = this.testRequests.get(id);
    return request ? fn(request) : this.error(404, 'No such entity');
  }

  private async notify(request: FakeTfRequest): Promise<Delivery<TestingFarmNotification>> {
    const payload = { request_id: request.id, token: request.notification?.token ?? '', source: 'testing-farm' };
    const delivery = await deliver(request.notification?.url, payload);
    this.notificationsSent.push(delivery);
    return delivery;
  }

  /** The artifacts page a result links to: the request's state and its files. */
  private artifactsPage(t: FakeTfRequest): FakeResponse {
    const base = `${this.url}/artifacts/${t.id}`;
    const logs = t.tests.map(
      (c) =>
        `<li>${esc(c.name)}: ${c.result} <a href="${base}/work${esc(c.plan ?? '/plans/default')}/execute/data${esc(c.name)}/out.log">out.log</a></li>`,
    );
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      text: `<!doctype html><title>Request ${t.id}</title><h1>Testing Farm request ${t.id}: ${t.state}</h1><p>${esc(t.fmf.url)} on ${esc(t.environments.map((e) => `${e.compose} ${e.arch}`).join(', '))}</p><ul>${logs.join('')}</ul>${t.overall ? `<a href="${base}/results.xml">results.xml</a>` : ''}`,
    };
  }

  /** A test's log (`…/execute/data/<test>/out.log`), or what is known of the run. */
  private testLog(t: FakeTfRequest, path: string): string {
    const test = t.tests.find((c) => path.endsWith(`data${c.name}/out.log`));
    const env = t.environments[0];
    const lines = [`tmt run of ${t.fmf.url} on ${env?.compose ?? '?'} ${env?.arch ?? '?'}`];
    if (test) lines.push(`${test.name}: ${test.result}`);
    else lines.push(`request ${t.state}${t.summary ? `: ${t.summary}` : ''}`);
    return `${lines.join('\n')}\n`;
  }

  /** The request as `GET /v0.1/requests/<id>` answers it. */
  private resultBody(t: FakeTfRequest) {
    const artifacts = `${this.url}/artifacts/${t.id}`;
    return {
      id: t.id,
      user_id: this.userId,
      test: { fmf: { name: t.fmf.name, path: t.fmf.path, ref: t.fmf.ref, url: t.fmf.url }, script: null, sti: null },
      state: t.state,
      environments_requested: t.environments.map((e) => ({
        arch: e.arch,
        artifacts: e.artifacts.map((a) => ({ id: a.id, packages: a.packages, type: a.type })),
        os: { compose: e.compose },
        pool: null,
        variables: e.variables,
      })),
      notes: [
        {
          level: 'info',
          message: `tf-tmt/dispatch-${Math.floor(Date.parse(t.created.replace(' ', 'T') + 'Z') / 1000)}`,
        },
      ],
      result: t.overall
        ? {
            overall: t.overall,
            summary: t.summary,
            xunit: this.options.inlineXunit === false ? null : this.xunit(t),
            xunit_url: `${artifacts}/results.xml`,
          }
        : null,
      run: t.state === 'new' ? null : { artifacts },
      created: t.created,
      updated: t.updated,
    };
  }

  /** Testing Farm's xunit: testsuites > testsuite (a plan) > testcase with logs and environments. */
  private xunit(t: FakeTfRequest): string {
    const env = t.environments[0];
    const overall = t.overall ?? 'unknown';
    const plans = new Map<string, FakeTestCase[]>();
    for (const test of t.tests)
      plans.set(test.plan ?? '/plans/default', [...(plans.get(test.plan ?? '/plans/default') ?? []), test]);
    const suites = [...plans].map(([plan, cases]) => {
      const suiteResult = cases.some((c) => c.result === 'error')
        ? 'error'
        : cases.some((c) => c.result === 'failed')
          ? 'failed'
          : 'passed';
      const testcases = cases.map((c) => {
        const data = `${this.url}/artifacts/${t.id}/work${plan}/execute/data${c.name}`;
        return (
          `<testcase name="${esc(c.name)}" result="${c.result}"${c.durationSeconds !== undefined ? ` time="${c.durationSeconds}"` : ''}>` +
          `<properties><property name="baseosci.arch" value="${esc(env?.arch ?? '')}"/><property name="baseosci.distro" value="${esc(env?.compose ?? '')}"/><property name="baseosci.status" value="Complete"/></properties>` +
          `<logs><log href="${esc(data)}" name="log_dir"/><log href="${esc(`${data}/out.log`)}" name="testout.log"/></logs>` +
          `<testing-environment name="requested"><property name="arch" value="${esc(env?.arch ?? '')}"/><property name="compose" value="${esc(env?.compose ?? '')}"/></testing-environment>` +
          `</testcase>`
        );
      });
      return (
        `<testsuite name="${esc(plan)}" overall-result="${suiteResult}" tests="${cases.length}">` +
        `<properties><property name="baseosci.overall-result" value="${suiteResult.toUpperCase()}"/></properties>${testcases.join('')}</testsuite>`
      );
    });
    return `<testsuites overall-result="${overall}"><properties/>${suites.join('')}</testsuites>`;
  }
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
