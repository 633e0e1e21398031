// The fake Koji hub's small parts: its options and sessions, Koji's fault codes, who an
// sslLogin is (certificate or Kerberos principal), the upload store (`rawUpload` chunks
// written at their offsets with the hub's checks, `checkUpload`), the NVR a source builds,
// the tag record with its queries (`listSideTags`, `getFullInheritance`), and `listTasks`.
import type { FakeRequest, FakeTls } from '@packflow/testing';
import { adler32Hex } from './adler32.js';
import { taskRecord, type FakeKojiTask } from './fake-koji.messages.js';
import { encodeCall, type XmlRpcValue } from './xmlrpc.codec.js';

export const GENERIC = 1000;
export const AUTH = 1002;
export const NOT_ALLOWED = 1004;
export const EXPIRED = 1007;
export const SEQUENCE = 1008;

/** A tag of the fake hub; a side tag has its owner and base tag. */
export interface Tag {
  id: number;
  name: string;
  sideTagOwner: string | null;
  base?: string;
  builds: number[];
}

/** `listSideTags` (the sidetag plugin): side tags of a base tag and/or a user's. */
export function sideTagRecords(tags: Iterable<Tag>, base: XmlRpcValue | undefined, user: XmlRpcValue | undefined) {
  return [...tags]
    .filter((t) => t.sideTagOwner && (base == null || t.base === String(base)))
    .filter((t) => user == null || t.sideTagOwner === String(user))
    .map((t) => ({ id: t.id, name: t.name, user_id: 0, user_name: t.sideTagOwner }));
}

/** `getFullInheritance`: a tag's ancestors, nearest first (a side tag's first parent is its base tag). */
export function inheritanceRecords(
  start: Tag,
  parentsOf: (name: string) => string[],
  tagOf: (name: string) => Tag,
): XmlRpcValue {
  const seen = new Set<string>([start.name]);
  const records: XmlRpcValue[] = [];
  const walk = (child: Tag, depth: number) => {
    for (const name of [...(child.base ? [child.base] : []), ...parentsOf(child.name)]) {
      if (seen.has(name)) continue;
      seen.add(name);
      const parent = tagOf(name);
      records.push({ parent_id: parent.id, child_id: child.id, name, currdepth: depth, priority: 0 });
      walk(parent, depth + 1);
    }
  };
  walk(start, 1);
  return records;
}

/** `listTasks`: tasks of a method / owner / after a time, `-id` order on request, requests decoded when asked. */
export function listTaskRecords(
  all: Iterable<FakeKojiTask>,
  optsArg: XmlRpcValue | undefined,
  queryArg: XmlRpcValue | undefined,
): XmlRpcValue {
  const opts = (optsArg ?? {}) as Record<string, XmlRpcValue>;
  const query = (queryArg ?? {}) as Record<string, XmlRpcValue>;
  const tasks = [...all].filter(
    (t) =>
      (opts.method === undefined || t.method === opts.method) &&
      (opts.owner === undefined || t.owner === opts.owner) &&
      (typeof opts.createdAfter !== 'number' || t.createTime > opts.createdAfter),
  );
  if (query.order === '-id') tasks.sort((a, b) => b.id - a.id);
  // Without `decode`, Koji answers the request as the XML-RPC text it stored.
  return tasks.map((t) => {
    const record = taskRecord(t, true) as Record<string, XmlRpcValue>;
    return opts.decode ? record : { ...record, request: encodeParams(t.request) };
  });
}

/** A fault the fake answers (koji.GenericError, AuthError, …). */
export class KojiFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
  }
}

/**
 * The user an sslLogin opens a session for, as kojihub's sslLogin finds it: the principal
 * Apache verified (REMOTE_USER: here `x-remote-user` with the Kerberos proxy's token, ignored
 * without it, as a client cannot set REMOTE_USER), looked up in user_krb_principals
 * (`principals`), else the common name of a verified client certificate. Unknown ones are
 * refused.
 */
export function loginIdentity(
  request: FakeRequest,
  users: readonly string[],
  kerberos: { proxyToken: string; principals: Record<string, string> } | undefined,
): { user: string; principal: string | null } {
  const claimed = request.headers['x-remote-user'];
  const principal =
    kerberos &&
    typeof claimed === 'string' &&
    claimed &&
    request.headers['x-gssapi-proxy-token'] === kerberos.proxyToken
      ? claimed
      : null;
  if (principal) {
    const user = kerberos?.principals[principal];
    if (!user || !users.includes(user)) throw new KojiFault(AUTH, `koji.AuthError: Unknown user: ${principal}`);
    return { user, principal };
  }
  const user = request.clientCertName;
  if (!user) throw new KojiFault(AUTH, 'koji.AuthError: could not verify client certificate');
  if (!users.includes(user)) throw new KojiFault(AUTH, `koji.AuthError: Unknown user: ${user}`);
  return { user, principal: null };
}

/**
 * One `rawUpload` chunk, as kojihub's handle_upload takes it: a second upload to an existing
 * path at offset 0 is refused unless it overwrites; an offset past the end, or a file whose
 * length is not offset + chunk afterwards, is refused.
 */
export function storeChunk(uploads: Map<string, Buffer>, query: URLSearchParams, data: Buffer): XmlRpcValue {
  const name = query.get('filename');
  if (!name) throw new KojiFault(GENERIC, 'koji.GenericError: filename is missing');
  const path = `${query.get('filepath') ?? ''}/${name}`;
  const offset = Number(query.get('offset') ?? '0');
  const overwrite = Boolean(query.get('overwrite'));
  const existing = uploads.get(path);
  if (existing && offset === 0 && !overwrite)
    throw new KojiFault(GENERIC, `koji.GenericError: upload path exists: ${path}`);
  const before = existing ?? Buffer.alloc(0);
  const lengthError = (actual: number) =>
    new KojiFault(
      GENERIC,
      `koji.GenericError: Incorrect upload length for ${path} - Expected ${offset + data.length}, actual ${actual}`,
    );
  if (offset > before.length) throw lengthError(before.length);
  const after = Buffer.concat([
    before.subarray(0, offset),
    data,
    overwrite ? Buffer.alloc(0) : before.subarray(offset + data.length),
  ]);
  if (!overwrite && after.length !== offset + data.length) throw lengthError(after.length);
  uploads.set(path, after);
  const verify = query.get('fileverify') ?? '';
  return {
    size: data.length,
    fileverify: verify,
    offset,
    ...(verify === 'adler32' ? { hexdigest: adler32Hex(data) } : {}),
  };
}

/** `checkUpload`: size (and adler32 when asked) of an uploaded file, nil when there is none. */
export function checkUpload(uploads: Map<string, Buffer>, path: string, verify: XmlRpcValue | undefined): XmlRpcValue {
  const data = uploads.get(path);
  if (!data) return null;
  return {
    size: data.length,
    mtime: now(),
    ...(verify === 'adler32' ? { sumlength: data.length, hexdigest: adler32Hex(data) } : {}),
  };
}

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** Name, version and release of an SRPM file name or a dist-git URL (`…/rpms/<name>.git#sha`: version 1.0, release 1). */
export function nvrOf(src: string, buildTag?: string): { name: string; version: string; release: string } {
  const file = /([^/]+)-([^-/]+)-([^-/]+)\.src\.rpm$/.exec(src);
  if (file) return { name: file[1], version: file[2], release: file[3] };
  const repo = /\/([^/#]+?)(?:\.git)?#/.exec(src);
  return { name: repo?.[1] ?? 'unknown', version: '1.0', release: `1${distOf(buildTag)}` };
}

/** The `%dist` a build tag's macros give a spec built from git (`f44-build` -> `.fc44`, `epel9-build` -> `.el9`). */
function distOf(buildTag: string | undefined): string {
  const fedora = /^f(\d+)-/.exec(buildTag ?? '');
  if (fedora) return `.fc${fedora[1]}`;
  const epel = /^epel(\d+)/.exec(buildTag ?? '');
  return epel ? `.el${epel[1]}` : '';
}

export type Args = { args: XmlRpcValue[]; kwargs: Record<string, XmlRpcValue> };

/** A call's parameters: positional ones, and koji's keyword arguments (a last `__starstar` struct). */
export function splitKwargs(params: XmlRpcValue[]): Args {
  const last = params[params.length - 1];
  const starstar =
    last &&
    typeof last === 'object' &&
    !Array.isArray(last) &&
    !Buffer.isBuffer(last) &&
    !(last instanceof Date) &&
    (last as Record<string, XmlRpcValue>).__starstar === true;
  return {
    args: starstar ? params.slice(0, -1) : params,
    kwargs: starstar
      ? Object.fromEntries(Object.entries(last as Record<string, XmlRpcValue>).filter(([k]) => k !== '__starstar'))
      : {},
  };
}

/** Parameters as the XML-RPC text Koji stores for a task's request. */
export function encodeParams(params: XmlRpcValue[]): string {
  return encodeCall('build', params).replace(/^[\s\S]*?<params>|<\/params>[\s\S]*$/g, '');
}

export interface FakeKojiOptions {
  tls: FakeTls;
  /** Certificate common names that are Koji users (default `packit`). */
  users?: string[];
  /**
   * Kerberos logins, the hub behind Apache's mod_auth_gssapi: the proxy passes the principal
   * it verified in `x-remote-user` with this token in `x-gssapi-proxy-token` (a principal
   * claimed without the token is ignored, as REMOTE_USER cannot come from a client), and
   * `principals` maps principals to users (unknown ones are refused).
   */
  kerberos?: { proxyToken: string; principals: Record<string, string> };
  /** Build targets: name -> build and destination tag (default rawhide and f41-candidate). */
  targets?: Record<string, { buildTag: string; destTag: string }>;
  /** Tag inheritance: tag -> its parents, nearest first (`f42-updates-candidate` -> `f42-updates`, `f42`). */
  inheritance?: Record<string, string[]>;
  /** Where buildsys messages go (bearer token), as the bus bridge takes them. */
  messages?: { url: string; token: string };
  /** Also hands every message to this (a test's publisher onto RabbitMQ, as fedora-messaging). */
  onMessage?: (message: Record<string, unknown>) => Promise<void>;
  environment?: string;
  firstTaskId?: number;
}

/** A logged-in session: its Koji-Session-Id/Key and the call numbers it has used. */
export interface Session {
  id: number;
  key: string;
  user: string;
  /** The Kerberos principal of a GSSAPI login, null for a certificate one. */
  principal: string | null;
  userId: number;
  lastCallnum: number | null;
  expired: boolean;
}
