// The Koji hub client: XML-RPC calls as koji's own ClientSession makes them (session in the
// Koji-Session-Id/-Key/-Callnum headers, keyword arguments as a `__starstar` struct), login
// by client certificate or by Kerberos keytab (both `sslLogin` at `<hub>/ssllogin`: the
// keytab one with SPNEGO, as koji's gssapi_login, the hub's Apache setting REMOTE_USER;
// a session that expires is opened again either way), the SRPM upload koji's CLI makes
// (`rawUpload` chunks with adler32 checks, then `checkUpload`, into a unique `cli-build/…`
// directory), and the calls the Fedora jobs need: build, task and build info, tagged
// builds, side tags, tagging. Calls of one client run one at a time: the hub refuses a
// call number lower than the last one (SequenceError), so they must arrive in order.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync } from 'node:fs';
import { ConfigurationError, ExternalServiceError } from '@packflow/base';
import { KOJI_BUILD_STATES, KOJI_TASK_STATES } from '@packflow/events';
import { HttpFailure, toServiceError } from '../http/http-failure.js';
import { adler32Hex } from './adler32.js';
import { negotiatePost, type KerberosIdentity } from '../http/negotiate-post.js';
import { checkClientTls, tlsFailure, tlsPost, type ClientTls, type TlsAnswer } from '../http/tls-post.js';
import { decodeResponse, encodeCall, kojiKwargs, XmlRpcFault, type XmlRpcValue } from './xmlrpc.codec.js';

/** How packflow logs in to Koji, as operators configure it. */
export type KojiAuth =
  | { kind: 'certificate'; certPath: string; keyPath?: string }
  | { kind: 'keytab'; principal: string; keytabPath: string };

export interface KojiClientOptions {
  /** `https://koji.fedoraproject.org/kojihub`. */
  hubUrl: string;
  /** Needed for everything but reads. */
  auth?: KojiAuth;
  /** PEM CA bundle for the hub's certificate (default: the system's CAs). */
  serverCaPath?: string;
  /** Upload chunk size (koji's default: 1 MiB). */
  uploadBlockSize?: number;
  timeoutMs?: number;
}

export type KojiTaskState = (typeof KOJI_TASK_STATES)[number];
export type KojiBuildState = (typeof KOJI_BUILD_STATES)[number];

export interface KojiTask {
  id: number;
  method: string;
  state: KojiTaskState;
  parent: number | null;
  owner: number;
  arch: string;
  label: string | null;
  createTime: number | null;
  startTime: number | null;
  completionTime: number | null;
  /** The call's arguments (`[src, target, opts]` for a build), when asked for. */
  request: XmlRpcValue[] | null;
}

export interface KojiBuild {
  id: number;
  nvr: string;
  name: string;
  version: string;
  release: string;
  epoch: number | null;
  state: KojiBuildState;
  taskId: number | null;
  owner: string;
  /** The tag, for builds from listTagged. */
  tagName?: string;
  /** What it was built from (`git+https://…#<sha>`), as getBuild answers it. */
  source?: string;
}

export interface KojiSideTag {
  name: string;
  id: number;
}

/** A build target: where a build's buildroot comes from and where the build is tagged. */
export interface KojiTarget {
  name: string;
  buildTag: string;
  destTag: string;
}

/** Fault codes of koji's error classes that a retry can cure. */
const RETRYABLE_FAULTS = new Set([1001 /* LockError */, 1014 /* ServerOffline */]);
const AUTH_EXPIRED = 1007;

type Session = { id: number; key: string; callnum: number };
type Post = (url: string, headers: Record<string, string>, body: Buffer, timeoutMs: number) => Promise<TlsAnswer>;

export class KojiClient {
  private readonly hub: string;
  private readonly tls: ClientTls;
  /** The keytab login's principal and keytab; undefined for a certificate login. */
  private readonly kerberos: KerberosIdentity | undefined;
  private session: Session | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: KojiClientOptions) {
    this.hub = options.hubUrl.replace(/\/+$/, '');
    const auth = options.auth;
    const read = (path: string, what: string): string => {
      try {
        return readFileSync(path, 'utf8');
      } catch (error) {
        throw new ConfigurationError(`Koji ${what} ${path} cannot be read: ${(error as Error).message}`);
      }
    };
    if (auth?.kind === 'keytab') {
      if (!auth.principal)
        throw new ConfigurationError(
          `Koji login by keytab ${auth.keytabPath} needs the principal to log in as (KOJI_PRINCIPAL)`,
        );
      try {
        accessSync(auth.keytabPath, constants.R_OK);
      } catch (error) {
        throw new ConfigurationError(`Koji keytab ${auth.keytabPath} cannot be read: ${(error as Error).message}`);
      }
      this.kerberos = {
        principal: auth.principal,
        keytabPath: auth.keytabPath,
        settings: 'KOJI_PRINCIPAL, KOJI_KEYTAB',
      };
    }
    this.tls = {
      cert: auth?.kind === 'certificate' ? read(auth.certPath, 'client certificate') : undefined,
      key: auth?.kind === 'certificate' && auth.keyPath ? read(auth.keyPath, 'client key') : undefined,
      ca: options.serverCaPath ? read(options.serverCaPath, 'server CA') : undefined,
    };
    checkClientTls(this.tls, `Koji (${auth?.kind === 'certificate' ? auth.certPath : 'no certificate'})`);
  }

  get loggedIn(): boolean {
    return this.session !== undefined;
  }

  /** Logs in with the client certificate or the keytab (a new session each time). */
  async login(): Promise<void> {
    await this.serial(() => this.sslLogin());
  }

  /** One hub call. Keyword arguments go as Koji's `__starstar` struct. */
  async call<T = XmlRpcValue>(
    method: string,
    args: readonly (XmlRpcValue | undefined)[] = [],
    kwargs?: Record<string, XmlRpcValue | undefined>,
  ): Promise<T> {
    return this.serial(() => this.callOnce<T>(method, args, kwargs, true));
  }

  /**
   * Uploads an SRPM as `koji build` does before building it: into a new
   * `cli-build/<time>.<random>` directory, or into `dir` when the caller wants a path it can
   * find again (a retry then finds the file there and does not send it twice). Returns the
   * path to build from.
   */
  async uploadSrpm(name: string, content: Buffer, dir?: string): Promise<string> {
    if (!/^[^/\\]+\.src\.rpm$/.test(name))
      throw new ConfigurationError(`Koji upload: "${name}" is not an SRPM file name`);
    const into = dir ?? `cli-build/${(Date.now() / 1000).toFixed(7)}.${randomBytes(6).toString('base64url')}`;
    const present = dir ? await this.checkUpload(into, name) : undefined;
    if (!present || present.size !== content.length || present.hexdigest !== adler32Hex(content))
      await this.upload(into, name, content);
    return `${into}/${name}`;
  }

  /** Size and adler32 of an uploaded file, undefined when there is none. */
  async checkUpload(path: string, name: string): Promise<{ size: number; hexdigest: string } | undefined> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('checkUpload', [path, name], { verify: 'adler32' });
    return raw ? { size: Number(raw.size), hexdigest: String(raw.hexdigest) } : undefined;
  }

  async upload(path: string, name: string, content: Buffer): Promise<void> {
    await this.serial(async () => {
      await this.ensureSession();
      const block = this.options.uploadBlockSize ?? 1_048_576;
      let offset = 0;
      // At least one call, so an empty file exists on the hub too.
      do {
        const chunk = content.subarray(offset, offset + block);
        const answer = (await this.rawUpload(path, name, offset, chunk)) as Record<string, unknown>;
        if (answer.size !== chunk.length || answer.hexdigest !== adler32Hex(chunk)) {
          throw this.failure(
            `upload ${name} at offset ${offset}`,
            new HttpFailure(
              502,
              {},
              `hub stored ${String(answer.size)} bytes with adler32 ${String(answer.hexdigest)}`,
            ),
          );
        }
        offset += chunk.length;
      } while (offset < content.length);
      const check = (await this.callOnce('checkUpload', [path, name], { verify: 'adler32' }, false)) as Record<
        string,
        unknown
      > | null;
      if (!check || check.size !== content.length || check.hexdigest !== adler32Hex(content)) {
        throw this.failure(
          `upload ${name}`,
          new HttpFailure(502, {}, `checkUpload answered ${check ? `${String(check.size)} bytes` : 'no file'}`),
        );
      }
    });
  }

  /** Starts a build task of an uploaded SRPM path or a `git+https://…#sha` URL; returns the task id. */
  async build(
    src: string,
    target: string,
    opts: { scratch?: boolean; skipTag?: boolean; customUserMetadata?: Record<string, string> } = {},
  ): Promise<number> {
    const kojiOpts: Record<string, XmlRpcValue> = {};
    if (opts.scratch) kojiOpts.scratch = true;
    if (opts.skipTag) kojiOpts.skip_tag = true;
    // Kept with the build (its `extra`) and with the task's request: how a retry finds its task.
    if (opts.customUserMetadata) kojiOpts.custom_user_metadata = opts.customUserMetadata;
    return this.call<number>('build', [src, target, kojiOpts]);
  }

  async getTaskInfo(taskId: number): Promise<KojiTask | undefined> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('getTaskInfo', [taskId], { request: true });
    return raw ? toTask(raw) : undefined;
  }

  /** The logged-in user's id and name. */
  async whoami(): Promise<{ id: number; name: string }> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('getLoggedInUser');
    if (!raw) throw new ConfigurationError('Koji: not logged in');
    return { id: Number(raw.id), name: String(raw.name) };
  }

  /** Tasks of a method owned by a user (made after a time, in epoch seconds), requests decoded, newest first. */
  async listTasks(filter: { method: string; owner: number; createdAfter?: number }): Promise<KojiTask[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('listTasks', [
      { method: filter.method, owner: filter.owner, createdAfter: filter.createdAfter, decode: true },
      { order: '-id' },
    ]);
    return raw.map(toTask);
  }

  /** Cancels a task (and its children); only its owner or an admin may. */
  async cancelTask(taskId: number): Promise<void> {
    await this.call('cancelTask', [taskId]);
  }

  async getTaskChildren(taskId: number): Promise<KojiTask[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('getTaskChildren', [taskId], { request: true });
    return raw.map(toTask);
  }

  /** A build by id or NVR, undefined when there is none. */
  async getBuild(build: number | string): Promise<KojiBuild | undefined> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('getBuild', [build]);
    return raw ? toBuild(raw) : undefined;
  }

  /** The builds a build task made (none for a scratch build or one that has not started). */
  async listBuildsOfTask(taskId: number): Promise<KojiBuild[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('listBuilds', [], { taskID: taskId });
    return raw.map(toBuild);
  }

  async listTagged(tag: string, filter: { package?: string; latest?: boolean } = {}): Promise<KojiBuild[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('listTagged', [tag], {
      package: filter.package,
      latest: filter.latest,
    });
    return raw.map(toBuild);
  }

  /** Tags a build (a task on the hub); returns the task id. */
  async tagBuild(tag: string, build: string | number): Promise<number> {
    return this.call<number>('tagBuild', [tag, build]);
  }

  /** A tag by name, undefined when Koji has none (a side tag removed, e.g. by Bodhi). */
  async getTag(name: string): Promise<{ id: number; name: string } | undefined> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('getTag', [name]);
    return raw ? { id: Number(raw.id), name: String(raw.name) } : undefined;
  }

  /** The names of a tag's ancestors, nearest first (Koji's `getFullInheritance`). */
  async getFullInheritance(tag: string): Promise<string[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('getFullInheritance', [tag]);
    return raw.map((link) => String(link.name));
  }

  /** A build target by name, undefined when there is none. */
  async getBuildTarget(name: string): Promise<KojiTarget | undefined> {
    const raw = await this.call<Record<string, XmlRpcValue> | null>('getBuildTarget', [name]);
    return raw
      ? { name: String(raw.name), buildTag: String(raw.build_tag_name), destTag: String(raw.dest_tag_name) }
      : undefined;
  }

  /** A side tag of a build tag (the sidetag plugin: `<base>-side-<id>`, with a target of the same name). */
  async createSideTag(baseTag: string): Promise<KojiSideTag> {
    const raw = await this.call<Record<string, XmlRpcValue>>('createSideTag', [baseTag]);
    return { name: String(raw.name), id: Number(raw.id) };
  }

  /** The side tags Koji has (the sidetag plugin's `listSideTags`), of a base tag and/or a user. */
  async listSideTags(filter: { basetag?: string; user?: string } = {}): Promise<KojiSideTag[]> {
    const raw = await this.call<Record<string, XmlRpcValue>[]>('listSideTags', [], {
      basetag: filter.basetag,
      user: filter.user,
    });
    return raw.map((t) => ({ name: String(t.name), id: Number(t.id) }));
  }

  async removeSideTag(sideTag: string): Promise<void> {
    await this.call('removeSideTag', [sideTag]);
  }

  // ---- plumbing ----

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async sslLogin(): Promise<void> {
    const auth = this.options.auth;
    if (!auth)
      throw new ConfigurationError('Koji: this call needs a login, and no client certificate or keytab is configured');
    this.session = undefined;
    const body = Buffer.from(encodeCall('sslLogin', []));
    const kerberos = this.kerberos;
    const answer = kerberos
      ? await this.send(
          `log in as ${kerberos.principal} by keytab ${kerberos.keytabPath} (${kerberos.settings})`,
          `${this.hub}/ssllogin`,
          {},
          body,
          (url, headers, content, timeoutMs) =>
            negotiatePost(url, headers, content, kerberos, this.options.serverCaPath, timeoutMs),
        )
      : await this.send('sslLogin', `${this.hub}/ssllogin`, {}, body);
    const info = answer as Record<string, unknown> | null;
    if (!info || typeof info['session-id'] !== 'number' || typeof info['session-key'] !== 'string')
      throw this.failure(
        'log in',
        new HttpFailure(
          401,
          {},
          `the hub did not open a session for ${auth.kind === 'keytab' ? auth.principal : 'this certificate'}`,
        ),
      );
    this.session = { id: info['session-id'], key: info['session-key'], callnum: 0 };
  }

  private async ensureSession(): Promise<void> {
    if (!this.session) await this.sslLogin();
  }

  private sessionHeaders(): Record<string, string> {
    const s = this.session;
    if (!s) return {};
    const headers = {
      'koji-session-id': String(s.id),
      'koji-session-key': s.key,
      'koji-session-callnum': String(s.callnum),
    };
    s.callnum += 1;
    return headers;
  }

  private async callOnce<T>(
    method: string,
    args: readonly (XmlRpcValue | undefined)[],
    kwargs: Record<string, XmlRpcValue | undefined> | undefined,
    renew: boolean,
  ): Promise<T> {
    if (this.options.auth && !this.session) await this.sslLogin();
    const params =
      kwargs && Object.values(kwargs).some((v) => v !== undefined) ? [...args, kojiKwargs(kwargs)] : [...args];
    try {
      return (await this.send(method, this.hub, this.sessionHeaders(), Buffer.from(encodeCall(method, params)))) as T;
    } catch (error) {
      // An expired session is renewed once, as koji's ClientSession does.
      if (renew && error instanceof KojiFaultError && error.faultCode === AUTH_EXPIRED && this.options.auth) {
        await this.sslLogin();
        return this.callOnce<T>(method, args, kwargs, false);
      }
      throw error;
    }
  }

  private rawUpload(path: string, name: string, offset: number, chunk: Buffer): Promise<XmlRpcValue> {
    const query = new URLSearchParams({
      filename: name,
      filepath: path,
      fileverify: 'adler32',
      offset: String(offset),
    });
    return this.send(
      `rawUpload ${name}`,
      `${this.hub}?${query}`,
      { ...this.sessionHeaders(), 'content-type': 'application/octet-stream' },
      chunk,
    );
  }

  /** One call; `post` makes the request when it is not a plain HTTPS one (the keytab login). */
  private async send(
    what: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    post: Post = (u, h, b, timeoutMs) => tlsPost(u, h, b, this.tls, timeoutMs),
  ): Promise<XmlRpcValue> {
    let answer;
    try {
      answer = await post(
        url,
        { 'user-agent': 'packflow', 'content-type': 'text/xml', ...headers },
        body,
        this.options.timeoutMs ?? 60_000,
      );
    } catch (error) {
      if (error instanceof ConfigurationError) throw error;
      throw this.failure(what, error instanceof HttpFailure ? error : new HttpFailure(undefined, {}, String(error)));
    }
    if (answer.status < 200 || answer.status >= 300) throw this.failure(what, tlsFailure(answer));
    try {
      return decodeResponse(answer.body);
    } catch (error) {
      if (error instanceof XmlRpcFault) throw new KojiFaultError(what, error, this.secrets());
      throw this.failure(what, new HttpFailure(502, {}, `answer is not XML-RPC: ${(error as Error).message}`));
    }
  }

  private secrets(): string[] {
    return this.session ? [this.session.key] : [];
  }

  private failure(what: string, failure: HttpFailure): ExternalServiceError {
    return toServiceError(failure, { service: 'koji', what, secrets: this.secrets() });
  }
}

/** A fault the hub answered; retryable only for lock and offline faults. */
export class KojiFaultError extends ExternalServiceError {
  readonly faultCode: number;

  constructor(what: string, fault: XmlRpcFault, secrets: string[]) {
    // The fault string can be a whole traceback; its last line is the error.
    let text = fault.faultString.split('\n').filter(Boolean).pop() ?? '';
    for (const s of secrets) text = text.split(s).join('***');
    super('koji', `${what} failed: fault ${fault.faultCode}: ${text}`, {
      status: 200,
      retryable: RETRYABLE_FAULTS.has(fault.faultCode),
    });
    this.name = 'KojiFaultError';
    this.faultCode = fault.faultCode;
  }
}

function num(value: XmlRpcValue | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

function toTask(raw: Record<string, XmlRpcValue | undefined>): KojiTask {
  return {
    id: Number(raw.id),
    method: String(raw.method),
    state: KOJI_TASK_STATES[Number(raw.state)] ?? 'FREE',
    parent: num(raw.parent),
    owner: Number(raw.owner),
    arch: String(raw.arch ?? ''),
    label: typeof raw.label === 'string' ? raw.label : null,
    createTime: num(raw.create_ts ?? raw.create_time),
    startTime: num(raw.start_ts ?? raw.start_time),
    completionTime: num(raw.completion_ts ?? raw.completion_time),
    request: Array.isArray(raw.request) ? raw.request : null,
  };
}

function toBuild(raw: Record<string, XmlRpcValue | undefined>): KojiBuild {
  return {
    id: Number(raw.build_id ?? raw.id),
    nvr: String(raw.nvr),
    name: String(raw.name ?? raw.package_name),
    version: String(raw.version),
    release: String(raw.release),
    epoch: num(raw.epoch),
    state: KOJI_BUILD_STATES[Number(raw.state)] ?? 'BUILDING',
    taskId: num(raw.task_id),
    owner: String(raw.owner_name ?? ''),
    ...(typeof raw.tag_name === 'string' ? { tagName: raw.tag_name } : {}),
    ...(typeof raw.source === 'string' ? { source: raw.source } : {}),
  };
}
