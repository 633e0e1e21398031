// Reads fields out of an untrusted JSON payload. A missing or mistyped field becomes a
// ValidationError naming its path (`pull_request.head.sha: expected a string, got
// nothing`), which the scheduler answers with 400.
import { ValidationError } from '@packflow/base';
import type { EventOfType, EventType, PackflowEvent } from './event.schema.js';

/** A valid event packflow does not act on, and why (`type` says what it was, when known). */
export interface Ignored {
  ignored: string;
  type?: string;
}

export type ParseResult = PackflowEvent | Ignored;

export function ignored(reason: string, type?: string): Ignored {
  return type ? { ignored: reason, type } : { ignored: reason };
}

export function isIgnored(result: ParseResult): result is Ignored {
  return 'ignored' in result;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

export class PayloadReader {
  private constructor(
    private readonly value: Record<string, unknown>,
    private readonly path: string,
  ) {}

  /** The top of a payload; `what` names it in errors (`GitHub pull_request payload`). */
  static of(payload: unknown, what: string): PayloadReader {
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
      throw new ValidationError(`${what}: expected a JSON object, got ${describe(payload)}`, { field: '' });
    }
    return new PayloadReader(payload as Record<string, unknown>, '');
  }

  private at(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  fail(key: string, expected: string): never {
    const field = this.at(key);
    throw new ValidationError(`${field}: expected ${expected}, got ${describe(this.value[key])}`, { field });
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  obj(key: string): PayloadReader {
    const v = this.value[key];
    if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail(key, 'an object');
    return new PayloadReader(v as Record<string, unknown>, this.at(key));
  }

  optObj(key: string): PayloadReader | null {
    return this.has(key) ? this.obj(key) : null;
  }

  /** A non-empty string. */
  str(key: string): string {
    const v = this.value[key];
    if (typeof v !== 'string' || v.length === 0) this.fail(key, 'a string');
    return v;
  }

  optStr(key: string): string | null {
    const v = this.value[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.fail(key, 'a string');
    return v;
  }

  int(key: string): number {
    const v = this.value[key];
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(key, 'a whole number');
    return v;
  }

  optInt(key: string): number | null {
    return this.has(key) ? this.int(key) : null;
  }

  /** An id given as a number or a string, as a string. */
  id(key: string): string {
    const v = this.value[key];
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && v.length > 0) return v;
    return this.fail(key, 'an id (number or string)');
  }

  optId(key: string): string | null {
    return this.has(key) ? this.id(key) : null;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.value[key];
    if (typeof v === 'boolean') return v;
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    return this.fail(key, 'true or false');
  }

  arr(key: string): unknown[] {
    const v = this.value[key];
    if (!Array.isArray(v)) this.fail(key, 'an array');
    return v;
  }

  /** Each element of an array of objects. */
  objects(key: string): PayloadReader[] {
    return this.arr(key).map((item, i) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) this.fail(`${key}[${i}]`, 'an object');
      return new PayloadReader(item as Record<string, unknown>, this.at(`${key}[${i}]`));
    });
  }
}

/** `https://github.com/packit/hello-world` -> its origin and path segments. */
export function splitRepositoryUrl(
  url: string,
  field: string,
): { instanceUrl: string; namespace: string; repo: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`${field}: expected a URL, got ${JSON.stringify(url).slice(0, 80)}`, { field });
  }
  const segments = parsed.pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (segments.length < 2) {
    throw new ValidationError(
      `${field}: expected a repository URL (namespace/repo), got ${JSON.stringify(url).slice(0, 80)}`,
      { field },
    );
  }
  return { instanceUrl: parsed.origin, namespace: segments.slice(0, -1).join('/'), repo: segments.at(-1)! };
}

/** `namespace/with/groups/repo` -> namespace and repo. */
export function splitFullName(fullName: string, field: string): { namespace: string; repo: string } {
  const i = fullName.lastIndexOf('/');
  if (i <= 0 || i === fullName.length - 1) {
    throw new ValidationError(`${field}: expected "namespace/repo", got ${JSON.stringify(fullName).slice(0, 80)}`, {
      field,
    });
  }
  return { namespace: fullName.slice(0, i), repo: fullName.slice(i + 1) };
}

export const ZERO_SHA = /^0+$/;

/**
 * Builds an event whose `type` is one of several with the same fields
 * (`pull_request.opened | pull_request.closed`): the fields are checked against them.
 */
export function eventOf<T extends EventType>(type: T, fields: Omit<EventOfType<T>, 'type'>): EventOfType<T> {
  return { type, ...fields } as unknown as EventOfType<T>;
}
