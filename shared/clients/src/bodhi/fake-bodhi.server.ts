// A stateful fake Bodhi with the identity provider it trusts: `/openidc/Token` gives access
// tokens to registered OIDC clients (client-credentials grant, HTTP Basic), `/oidc/login-token`
// turns a valid bearer token into an `auth_tkt` session cookie, `/csrf` gives the session's
// CSRF token, `POST /updates/` creates updates (form or JSON) as Bodhi validates them: a
// session and the matching CSRF token, builds and/or a from_tag (alone: the tag's builds),
// builds Koji has (`buildExists`), no build already in an update (`Update for … already
// exists`), one update per side tag (`Update already exists using this side tag`), one per
// release; with `edited` it edits that update instead (its builds the new list; a build of
// another update or a stable update refused). `GET /updates/` filters by builds (Bodhi's
// list has no filter by side tag name).
// Errors are Cornice's `{status: "error", errors: [{location, name, description}]}`.
import { createHash, randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '@packflow/testing';

export interface FakeBodhiOptions {
  /** OIDC clients: id -> secret and the Fedora account it acts as. */
  clients?: Record<string, { secret: string; user: string }>;
  /** Whether Koji has this build (Bodhi refuses an update of a build it cannot find there). */
  buildExists: (nvr: string) => boolean | Promise<boolean>;
  /** The builds of a Koji tag, for `from_tag` (the fake Koji's listTagged in end-to-end tests). */
  tagBuilds?: (tag: string) => string[] | undefined | Promise<string[] | undefined>;
  /** Token lifetime in seconds (default 3600). */
  tokenLifetime?: number;
}

export interface FakeBodhiUpdate {
  alias: string;
  title: string;
  status: string;
  request: string | null;
  url: string;
  from_tag: string | null;
  type: string;
  severity: string;
  notes: string;
  autokarma: boolean;
  stable_karma: number;
  date_submitted: string;
  builds: { nvr: string; epoch: number; signed: boolean; type: string; release_id: number }[];
  release: { name: string; long_name: string; id_prefix: string; version: string; branch: string };
  user: { name: string };
  bugs: { bug_id: number }[];
}

const CSRF_MISMATCH =
  'CSRF tokens do not match.  This happens if you have the page open for a long time. Please reload the page and try to submit your data again. Make sure to save your input somewhere before reloading. ';

export class FakeBodhi extends FakeHttpServer {
  readonly updates: FakeBodhiUpdate[] = [];
  private readonly tokens = new Map<string, { user: string; expiresAt: number }>();
  private readonly sessions = new Map<string, { user: string; csrf: string }>();

  private constructor(private readonly options: FakeBodhiOptions) {
    super();
    this.route('POST', '/openidc/Token', (r) => this.issueToken(r));
    this.route('GET', '/oidc/login-token', (r) => this.loginWithToken(r));
    this.route('GET', '/csrf', (r) => this.csrfToken(r));
    this.route('POST', '/updates', (r) => this.newUpdate(r));
    this.route('GET', '/updates', (r) => this.queryUpdates(r));
    this.route('GET', '/updates/:alias', (r) => {
      const update = this.updates.find((u) => u.alias === r.params.alias);
      return update ? this.json(200, { update, can_edit: false }) : this.cornice(404, 'url', 'id', `Invalid update id`);
    });
  }

  static async start(options: FakeBodhiOptions): Promise<FakeBodhi> {
    return new FakeBodhi(options).listen();
  }

  get tokenUrl(): string {
    return `${this.url}/openidc/Token`;
  }

  /** Ends every token and session, as their expiry would. */
  expireAuth(): void {
    this.tokens.clear();
    this.sessions.clear();
  }

  protected errorBody(status: number, message: string): unknown {
    return { status: 'error', errors: [{ location: 'url', name: 'path', description: message }] };
  }

  private cornice(status: number, location: string, name: string, description: string): FakeResponse {
    return this.json(status, { status: 'error', errors: [{ location, name, description }] });
  }

  private issueToken(request: FakeRequest): FakeResponse {
    const form = new URLSearchParams(request.rawBody);
    const basic = /^Basic (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    const client = this.options.clients?.[id];
    if (form.get('grant_type') !== 'client_credentials')
      return this.json(400, { error: 'unsupported_grant_type', error_description: 'only client_credentials here' });
    if (!client || client.secret !== secret)
      return this.json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const token = randomBytes(24).toString('base64url');
    const lifetime = this.options.tokenLifetime ?? 3600;
    this.tokens.set(token, { user: client.user, expiresAt: Date.now() + lifetime * 1000 });
    return this.json(200, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetime,
      scope: form.get('scope'),
    });
  }

  private loginWithToken(request: FakeRequest): FakeResponse {
    const token = /^Bearer (.+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    const known = token ? this.tokens.get(token) : undefined;
    if (!known || known.expiresAt < Date.now())
      return this.json(401, {
        error: 'invalid_token',
        error_description: 'The access token provided is expired, revoked, malformed, or invalid',
      });
    const ticket = randomBytes(24).toString('hex');
    this.sessions.set(ticket, { user: known.user, csrf: randomBytes(20).toString('hex') });
    return {
      status: 202,
      json: {},
      headers: { 'set-cookie': `auth_tkt=${ticket}; Path=/; HttpOnly; Secure; SameSite=Lax` },
    };
  }

  private session(request: FakeRequest): { user: string; csrf: string } | undefined {
    const ticket = /(?:^|;\s*)auth_tkt=([^;]+)/.exec(String(request.headers.cookie ?? ''))?.[1];
    return ticket ? this.sessions.get(ticket) : undefined;
  }

  private csrfToken(request: FakeRequest): FakeResponse {
    // Anonymous visitors get a token too (of a session of their own), which no write accepts.
    return this.json(200, { csrf_token: this.session(request)?.csrf ?? randomBytes(20).toString('hex') });
  }

  private async newUpdate(request: FakeRequest): Promise<FakeResponse> {
    const fields = readFields(request);
    const session = this.session(request);
    if (!session) return this.cornice(403, 'cookies', 'user', 'No ACLs for anonymous user');
    if (fields.one('csrf_token') !== session.csrf) return this.cornice(400, 'body', 'csrf_token', CSRF_MISMATCH);
    let builds = fields.many('builds');
    const fromTag = fields.one('from_tag') ?? null;
    const edited = fields.one('edited');
    const editing = edited === undefined ? undefined : this.updates.find((u) => u.alias === edited);
    if (edited !== undefined && !editing)
      return this.cornice(400, 'body', 'edited', `Cannot find update to edit: ${edited}`);
    if (editing?.status === 'stable') return this.cornice(400, 'body', 'builds', 'Cannot edit stable updates');
    if (!builds.length && !fromTag)
      return this.cornice(400, 'body', 'builds,from_tag', 'You must specify either builds or from_tag.');
    if (fromTag) {
      const using = this.updates.find((u) => u.from_tag === fromTag);
      if (using && using !== editing)
        return this.cornice(400, 'body', 'from_tag', 'Update already exists using this side tag');
      const tagged = await this.options.tagBuilds?.(fromTag);
      if (!tagged) return this.cornice(400, 'body', 'from_tag', `The supplied from_tag doesn't exist.`);
      if (!builds.length && !tagged.length)
        return this.cornice(400, 'body', 'from_tag', `The supplied from_tag doesn't contain any builds.`);
      if (!builds.length) builds = tagged;
    }
    for (const nvr of builds) {
      if (!(await this.options.buildExists(nvr)))
        return this.cornice(400, 'body', 'builds', `Build does not exist: ${nvr}`);
      const taken = (u: FakeBodhiUpdate) => u.builds.some((b) => b.nvr === nvr);
      if (
        editing
          ? this.updates.some((u) => u !== editing && taken(u))
          : this.updates.some((u) => u.status !== 'unpushed' && taken(u))
      )
        return this.cornice(400, 'body', 'builds', `Update for ${nvr} already exists`);
    }
    if (editing) return this.json(200, { ...this.edit(editing, builds, fields), caveats: [] });
    const byRelease = new Map<string, string[]>();
    for (const nvr of builds) {
      const release = releaseOf(nvr);
      if (!release) return this.cornice(400, 'body', 'builds', `Cannot find release associated with build: ${nvr}`);
      byRelease.set(release, [...(byRelease.get(release) ?? []), nvr]);
    }
    const notes = fields.one('notes') ?? '';
    const created = [...byRelease.entries()].map(([release, nvrs]) =>
      this.create(release, nvrs, fromTag, session.user, notes, fields),
    );
    if (created.length === 1) return this.json(200, { ...created[0], caveats: [] });
    return this.json(200, { updates: created, caveats: [] });
  }

  private create(
    release: string,
    nvrs: string[],
    fromTag: string | null,
    user: string,
    notes: string,
    fields: Fields,
  ): FakeBodhiUpdate {
    const epel = release.startsWith('EPEL');
    const prefix = epel ? 'FEDORA-EPEL' : 'FEDORA';
    const year = new Date().getUTCFullYear();
    const hash = createHash('sha1')
      .update(`${nvrs.join(' ')}${Date.now()}${randomBytes(8).toString('hex')}`)
      .digest('hex');
    const alias = `${prefix}-${year}-${hash.slice(0, 10)}`;
    const version = release.replace(/^\D+/, '');
    const update: FakeBodhiUpdate = {
      alias,
      title: nvrs.join(' '),
      status: 'pending',
      request: 'testing',
      url: `${this.url}/updates/${alias}`,
      from_tag: fromTag,
      type: fields.one('type') ?? 'bugfix',
      severity: fields.one('severity') ?? 'unspecified',
      notes,
      autokarma: (fields.one('autokarma') ?? 'true') === 'true',
      stable_karma: Number(fields.one('stable_karma') ?? 3),
      date_submitted: new Date().toISOString().replace('T', ' ').slice(0, 19),
      builds: nvrs.map((nvr) => ({ nvr, epoch: 0, signed: false, type: 'rpm', release_id: Number(version) || 0 })),
      release: {
        name: release,
        long_name: epel ? `Fedora EPEL ${version}` : `Fedora ${version}`,
        id_prefix: prefix,
        version,
        branch: epel ? `epel${version}` : `f${version}`,
      },
      user: { name: user },
      bugs: (fields.one('bugs') ?? '')
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((b) => ({ bug_id: Number(b) })),
    };
    this.updates.push(update);
    return update;
  }

  /** An edit: the builds are the whole new list; notes and type as given. */
  private edit(update: FakeBodhiUpdate, nvrs: string[], fields: Fields): FakeBodhiUpdate {
    const releaseId = update.builds[0]?.release_id ?? 0;
    update.builds = nvrs.map((nvr) => ({ nvr, epoch: 0, signed: false, type: 'rpm', release_id: releaseId }));
    update.title = nvrs.join(' ');
    update.notes = fields.one('notes') ?? update.notes;
    update.type = fields.one('type') ?? update.type;
    return update;
  }

  private queryUpdates(request: FakeRequest): FakeResponse {
    const builds = (request.query.get('builds') ?? '').split(/[\s,]+/).filter(Boolean);
    const rows = Math.min(100, Math.max(1, Number(request.query.get('rows_per_page') ?? 20)));
    const page = Math.max(1, Number(request.query.get('page') ?? 1));
    const matching = this.updates.filter((u) => !builds.length || u.builds.some((b) => builds.includes(b.nvr)));
    return this.json(200, {
      updates: matching.slice((page - 1) * rows, page * rows),
      page,
      pages: Math.ceil(matching.length / rows),
      rows_per_page: rows,
      total: matching.length,
    });
  }
}

interface Fields {
  one(name: string): string | undefined;
  many(name: string): string[];
}

/** A form body (what bodhi's bindings send) or a JSON one (what its web UI sends). */
function readFields(request: FakeRequest): Fields {
  if (String(request.headers['content-type'] ?? '').startsWith('application/json')) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    return {
      one: (name) => (body[name] === undefined || body[name] === null ? undefined : String(body[name])),
      many: (name) => (Array.isArray(body[name]) ? (body[name] as unknown[]).map(String) : splitList(body[name])),
    };
  }
  const form = new URLSearchParams(request.rawBody);
  return {
    one: (name) => form.get(name) ?? undefined,
    many: (name) => form.getAll(name).flatMap(splitList),
  };
}

function splitList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** The Bodhi release of an NVR's dist tag: `.fc41` -> F41, `.el9` -> EPEL-9. */
function releaseOf(nvr: string): string | undefined {
  const fc = /\.fc(\d+)(?:[._~]|$)/.exec(nvr);
  if (fc) return `F${fc[1]}`;
  const el = /\.el(\d+)(?:[._~]|$)/.exec(nvr);
  return el ? `EPEL-${el[1]}` : undefined;
}
