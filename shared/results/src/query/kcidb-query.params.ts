// Query-string parameters of the KCIDB queries, read once into typed, checked values.
// Every problem is collected, so a caller sees all of them in one 400.
import { kcidbValidationError } from '../submit/kcidb.errors.js';
import type { KcidbViolation } from '../report/kcidb-report.types.js';

export interface Page {
  limit: number;
  offset: number;
}

/** Filters every query takes: the objects' origin and a time interval [from, to). */
export interface Filters extends Page {
  origin: string | null;
  from: Date | null;
  to: Date | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
export const MAX_OFFSET = 100_000;
/** Interval of the listings when none is given: the last week. */
export const DEFAULT_INTERVAL_MS = 7 * 24 * 3600 * 1000;

type Query = Readonly<Record<string, unknown>>;

const ORIGIN = /^[a-z0-9_]+$/;
const ID = /^[a-z0-9_]+:[^\0]*$/;
const COMMIT = /^[0-9a-f]{40}$/;
const PATCHSET = /^$|^[0-9a-f]{64}$/;
const PATH = /^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$/;

class ParamReader {
  private readonly problems: KcidbViolation[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly query: Query) {}

  private problem(name: string, message: string): void {
    this.problems.push({ pointer: `/${name}`, message });
  }

  string(name: string, rule?: { pattern: RegExp; words: string }): string | null {
    this.used.add(name);
    const raw = this.query[name];
    if (raw === undefined) return null;
    if (typeof raw !== 'string') {
      this.problem(name, 'must be given once');
      return null;
    }
    if (rule && !rule.pattern.test(raw)) {
      this.problem(name, `must be ${rule.words} (got ${JSON.stringify(raw.slice(0, 100))})`);
      return null;
    }
    return raw;
  }

  required(name: string, rule?: { pattern: RegExp; words: string }): string {
    const value = this.string(name, rule);
    if (value === null && this.query[name] === undefined) this.problem(name, 'is required');
    return value ?? '';
  }

  time(name: string): Date | null {
    const raw = this.string(name);
    if (raw === null) return null;
    // A date alone is midnight UTC; a date-time without a zone is UTC too.
    const match = /^\d{4}-\d\d-\d\d(?:[Tt ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?([Zz]|[+-]\d\d:?\d\d)?)?$/.exec(raw);
    const zoned = match && raw.length > 10 && !match[1] ? `${raw}Z` : raw;
    const value = match ? new Date(zoned.replace(' ', 'T')) : new Date(NaN);
    if (Number.isNaN(value.getTime())) {
      this.problem(name, `must be an ISO 8601 date or date-time (got ${JSON.stringify(raw.slice(0, 100))})`);
      return null;
    }
    return value;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.string(name);
    if (raw === null) return fallback;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problem(name, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw.slice(0, 100))})`);
      return fallback;
    }
    return n;
  }

  /** origin, from, to, limit, offset; `defaultWindow` fills a missing interval with the last week. */
  filters(defaultWindow: boolean, now: Date): Filters {
    const origin = this.string('origin', { pattern: ORIGIN, words: 'an origin (lowercase letters, digits and _)' });
    let from = this.time('from');
    let to = this.time('to');
    if (defaultWindow) {
      to ??= now;
      from ??= new Date(to.getTime() - DEFAULT_INTERVAL_MS);
    }
    if (from && to && from.getTime() >= to.getTime()) this.problem('from', 'must be earlier than to');
    const limit = this.int('limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
    const offset = this.int('offset', 0, 0, MAX_OFFSET);
    return { origin, from, to, limit, offset };
  }

  /** Throws one ValidationError naming every bad or unknown parameter. */
  done<T>(value: T): T {
    for (const name of Object.keys(this.query)) {
      if (!this.used.has(name))
        this.problem(name, `is not a parameter of this query (expected ${[...this.used].join(', ')})`);
    }
    if (this.problems.length) throw kcidbValidationError('invalid query parameters', this.problems);
    return value;
  }
}

export interface TreesParams extends Filters {
  from: Date;
  to: Date;
  /** Only checkouts carrying this git tag. */
  tag: string | null;
}

export interface RevisionParams extends Filters {
  commit: string;
  /** `""` for the commit alone (also matches checkouts that gave no patchset hash). */
  patchset: string;
}

export interface HardwareParams extends Filters {
  from: Date;
  to: Date;
}

export interface HardwareResultsParams extends HardwareParams {
  /** A compatible string or a platform name. */
  hardware: string;
}

export interface TestHistoryParams extends Filters {
  from: Date;
  to: Date;
  path: string;
  platform: string | null;
  config: string | null;
  branch: string | null;
  tree: string | null;
}

export interface PathRollupParams extends Filters {
  buildId: string;
  /** Only this path and what is under it; null or `""` for everything. */
  prefix: string | null;
}

const windowed = (f: Filters) => f as Filters & { from: Date; to: Date };

export function parseTreesParams(query: Query, now = new Date()): TreesParams {
  const r = new ParamReader(query);
  const filters = windowed(r.filters(true, now));
  return r.done({ ...filters, tag: r.string('tag') });
}

export function parseRevisionParams(query: Query, now = new Date()): RevisionParams {
  const r = new ParamReader(query);
  const commit = r.required('commit', { pattern: COMMIT, words: '40 lowercase hexadecimal digits' });
  const patchset = r.string('patchset', { pattern: PATCHSET, words: '"" or 64 lowercase hexadecimal digits' }) ?? '';
  return r.done({ ...r.filters(false, now), commit, patchset });
}

export function parseHardwareParams(query: Query, now = new Date()): HardwareParams {
  const r = new ParamReader(query);
  return r.done(windowed(r.filters(true, now)));
}

export function parseHardwareResultsParams(query: Query, now = new Date()): HardwareResultsParams {
  const r = new ParamReader(query);
  const hardware = r.required('hardware', { pattern: /^[^\0]+$/, words: 'a compatible string or platform name' });
  return r.done({ ...windowed(r.filters(true, now)), hardware });
}

export function parseTestHistoryParams(query: Query, now = new Date()): TestHistoryParams {
  const r = new ParamReader(query);
  const path = r.required('path', { pattern: PATH, words: 'a dotted test path' });
  return r.done({
    ...windowed(r.filters(true, now)),
    path,
    platform: r.string('platform'),
    config: r.string('config'),
    branch: r.string('branch'),
    tree: r.string('tree'),
  });
}

export function parsePathRollupParams(query: Query, now = new Date()): PathRollupParams {
  const r = new ParamReader(query);
  const buildId = r.required('build_id', { pattern: ID, words: 'a build id "<origin>:<local id>"' });
  const prefix = r.string('prefix', { pattern: PATH, words: 'a dotted test path' });
  return r.done({ ...r.filters(false, now), buildId, prefix });
}
