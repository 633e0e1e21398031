// The Bodhi client: updates created and looked up over Bodhi's REST API the way its own
// Python bindings do it. Authentication is an OIDC access token from the identity provider
// by the client-credentials grant; Bodhi takes the bearer token only at `/oidc/login-token`,
// which answers with its `auth_tkt` session cookie; writes then carry that cookie and the
// session's CSRF token (from `/csrf`) in the form body, as `bodhi.client.bindings.save`
// sends them. An expired session or token is renewed once per call.
import { ConfigurationError, type ExternalServiceError } from '@packflow/base';
import { HttpFailure, networkFailure, responseFailure, toServiceError } from '../http/http-failure.js';
import type { FetchLike } from '../http/json-http.client.js';

export interface BodhiOidc {
  /** The identity provider's token endpoint (`https://id.fedoraproject.org/openidc/Token`). */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Scopes asked for (Bodhi's: `openid email profile https://id.fedoraproject.org/scope/groups https://id.fedoraproject.org/scope/agreements`). */
  scope?: string;
}

export interface BodhiClientOptions {
  /** `https://bodhi.fedoraproject.org`. */
  baseUrl: string;
  oidc: BodhiOidc;
  timeoutMs?: number;
  fetch?: FetchLike;
}

export interface BodhiBuild {
  nvr: string;
  signed?: boolean;
  type?: string;
}

export interface BodhiUpdate {
  alias: string;
  title: string;
  status: string;
  request: string | null;
  url: string;
  from_tag: string | null;
  type: string;
  notes: string;
  builds: BodhiBuild[];
  release: { name: string; [key: string]: unknown };
  user: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface NewUpdate {
  /** NVRs of the builds (with a from_tag: which of the tag's builds)… */
  builds?: string[];
  /** …and/or the Koji side tag the update is made from (alone: all its latest builds). */
  fromTag?: string;
  notes: string;
  type?: 'bugfix' | 'security' | 'enhancement' | 'newpackage';
  severity?: 'unspecified' | 'urgent' | 'high' | 'medium' | 'low';
  bugs?: number[];
  autokarma?: boolean;
  autotime?: boolean;
  stableKarma?: number;
  stableDays?: number;
}

const DEFAULT_SCOPE =
  'openid email profile https://id.fedoraproject.org/scope/groups https://id.fedoraproject.org/scope/agreements';

export class BodhiClient {
  private readonly base: string;
  private readonly fetchFn: FetchLike;
  private token: { value: string; expiresAt: number } | undefined;
  private cookie: string | undefined;
  private csrf: string | undefined;

  constructor(private readonly options: BodhiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    if (!options.oidc.clientId || !options.oidc.clientSecret || !options.oidc.tokenUrl)
      throw new ConfigurationError('Bodhi: the OIDC token URL, client id and client secret are all needed');
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Creates one update of builds or of a tag's builds. Bodhi answers one update, or
   * `{updates: […]}` when the builds belong to several releases; both come back as a list.
   */
  async createUpdate(update: NewUpdate): Promise<BodhiUpdate[]> {
    const what = `create update for ${update.fromTag ? `tag ${update.fromTag}` : (update.builds ?? []).join(' ')}`;
    const answer = (await this.save(what, update)) as BodhiUpdate | { updates: BodhiUpdate[] };
    return 'updates' in answer ? (answer.updates as BodhiUpdate[]) : [answer];
  }

  /**
   * Edits an update (Bodhi's `POST /updates/` with `edited`: the same form as a new one,
   * its builds the whole new list). A side tag's update is edited, not made again: Bodhi
   * refuses a second update from one side tag.
   */
  async editUpdate(alias: string, update: NewUpdate): Promise<BodhiUpdate> {
    return (await this.save(`edit update ${alias}`, update, alias)) as BodhiUpdate;
  }

  private async save(what: string, update: NewUpdate, edited?: string): Promise<unknown> {
    if (!update.builds?.length && !update.fromTag)
      throw new ConfigurationError('Bodhi update: give builds or a from_tag');
    const form = new URLSearchParams();
    for (const nvr of update.builds ?? []) form.append('builds', nvr);
    if (update.fromTag) form.set('from_tag', update.fromTag);
    if (edited) form.set('edited', edited);
    form.set('notes', update.notes);
    form.set('type', update.type ?? 'enhancement');
    if (update.severity) form.set('severity', update.severity);
    if (update.bugs?.length) form.set('bugs', update.bugs.join(','));
    if (update.autokarma !== undefined) form.set('autokarma', String(update.autokarma));
    if (update.autotime !== undefined) form.set('autotime', String(update.autotime));
    if (update.stableKarma !== undefined) form.set('stable_karma', String(update.stableKarma));
    if (update.stableDays !== undefined) form.set('stable_days', String(update.stableDays));
    return this.withSession(what, async () => {
      form.set('csrf_token', await this.csrfToken(what));
      return this.send(what, 'POST', '/updates/', form);
    });
  }

  /** The updates that contain any of these builds (no login needed). */
  async updatesOfBuilds(nvrs: string[]): Promise<BodhiUpdate[]> {
    const query = new URLSearchParams({ builds: nvrs.join(','), rows_per_page: '100' });
    const answer = (await this.send(`look up updates of ${nvrs.join(' ')}`, 'GET', `/updates/?${query}`)) as {
      updates: BodhiUpdate[];
    };
    return answer.updates;
  }

  /** One update by its alias, undefined when there is none. */
  async getUpdate(alias: string): Promise<BodhiUpdate | undefined> {
    const answer = (await this.send(
      `get update ${alias}`,
      'GET',
      `/updates/${encodeURIComponent(alias)}`,
      undefined,
      [404],
    )) as { update: BodhiUpdate } | undefined;
    return answer?.update;
  }

  // ---- session ----

  /** Runs a write with a session; a refused session (401/403 at the first try) is opened again once. */
  private async withSession<T>(what: string, work: () => Promise<T>): Promise<T> {
    const fresh = !this.cookie;
    await this.ensureSession(what);
    try {
      return await work();
    } catch (error) {
      const status = (error as ExternalServiceError).status;
      const csrfRefused = status === 400 && /csrf/i.test((error as Error).message);
      if (fresh || !(status === 401 || status === 403 || csrfRefused)) throw error;
      this.cookie = undefined;
      this.csrf = undefined;
      this.token = undefined;
      await this.ensureSession(what);
      return work();
    }
  }

  private async ensureSession(what: string): Promise<void> {
    if (this.cookie) return;
    const token = await this.accessToken(what);
    const response = await this.fetchRaw(`${what}: log in`, `${this.base}/oidc/login-token`, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .find((c) => c.startsWith('auth_tkt='));
    if (!cookie) throw this.fail(`${what}: log in`, new HttpFailure(502, {}, 'Bodhi set no auth_tkt session cookie'));
    this.cookie = cookie;
  }

  private async csrfToken(what: string): Promise<string> {
    if (!this.csrf) {
      const answer = (await this.send(`${what}: get CSRF token`, 'GET', '/csrf')) as { csrf_token?: string };
      if (!answer?.csrf_token) throw this.fail(what, new HttpFailure(502, {}, 'Bodhi answered no csrf_token'));
      this.csrf = answer.csrf_token;
    }
    return this.csrf;
  }

  private async accessToken(what: string): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const { tokenUrl, clientId, clientSecret, scope } = this.options.oidc;
    const response = await this.fetchRaw(`${what}: get an OIDC token`, tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: scope ?? DEFAULT_SCOPE }).toString(),
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw this.fail(`${what}: get an OIDC token`, new HttpFailure(502, {}, 'no access_token'));
    // Renewed a little before it ends, so a call never carries a token about to end.
    const lifetime = Math.max(0, (body.expires_in ?? 300) - 30) * 1000;
    this.token = { value: body.access_token, expiresAt: Date.now() + lifetime };
    return body.access_token;
  }

  // ---- HTTP ----

  private async send(
    what: string,
    method: 'GET' | 'POST',
    path: string,
    form?: URLSearchParams,
    absentOn: number[] = [],
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await this.fetchRaw(
      what,
      `${this.base}${path}`,
      { method, headers, body: form?.toString() },
      absentOn,
    );
    if (absentOn.includes(response.status)) return undefined;
    return response.json();
  }

  private async fetchRaw(what: string, url: string, init: RequestInit, absentOn: number[] = []): Promise<Response> {
    let response: Response;
    try {
      response = await this.fetchFn(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000) });
    } catch (error) {
      throw this.fail(what, networkFailure(error));
    }
    if (response.ok || absentOn.includes(response.status)) return response;
    throw this.fail(what, await responseFailure(response, bodhiErrors));
  }

  private fail(what: string, failure: HttpFailure): ExternalServiceError {
    return toServiceError(failure, {
      service: 'bodhi',
      what,
      secrets: [this.options.oidc.clientSecret, this.token?.value, this.cookie?.split('=')[1], this.csrf],
    });
  }
}

/** Cornice's error body (`{status: "error", errors: [{location, name, description}]}`) in one line. */
function bodhiErrors(body: unknown): string | undefined {
  const errors = (body as { errors?: { name?: string; description?: string }[] } | undefined)?.errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors.map((e) => `${e.name ?? '?'}: ${e.description ?? ''}`).join('; ');
}
