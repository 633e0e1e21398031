// Query-string parameters of the KCIDB queries, read once into typed, checked values.
// Every problem is collected, so a caller sees all of them in one 400.
//
// Lists page as the other /api/v1 lists do: `limit` (at most MAX_PAGE count) and `cursor`,
// the `next` of the previous page: the key of its last item (an object id, or the hardware
// or path a row stands for). The next page holds what sorts after that item. A cursor of
// the right form that names no stored object (no page gave it: objects are not deleted)
// answers an empty last page.
import { clampLimit, LIMIT_RULE, parseLimit } from '@packflow/core';
import { kcidbValidationError } from '../submit/kcidb.errors.js';
import type { KcidbViolation } from '../report/kcidb-report.types.js';

export interface Page {
  limit: number;
  /** The key of the previous page's last item; null for the first page. */
  cursor: string | null;
}

/** Filters every query takes: the objects' origin and a time interval [from, to). */
export interface Filters extends Page {
  origin: string | null;
  from: Date | null;
  to: Date | null;
}

export const DEFAULT_LIMIT = clampLimit(undefined);
/** Interval of the listings when none is given: the last week. */
export const DEFAULT_INTERVAL_MS = 7 * 24 * 3600 * 1000;

type Query = Readonly<Record<string, unknown>>;

const ORIGIN = /^[a-z0-9_]+$/;
const ID = /^[a-z0-9_]+:[^\0]*$/;
const COMMIT = /^[0-9a-f]{40}$/;
const PATCHSET = /^$|^[0-9a-f]{64}$/;
const PATH = /^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$/;

type Rule = { pattern: RegExp; words: string };

/** Cursors of the lists whose items are KCIDB objects: the id of the last one. */
const OBJECT_CURSOR: Rule = { pattern: ID, words: 'the `next` of the previous page (an object id)' };
const HARDWARE_CURSOR: Rule = { pattern: /^[^\0]+$/, words: 'the `next` of the previous page (a hardware)' };
const PATH_CURSOR: Rule = { pattern: PATH, words: 'the `next` of the previous page (a test path)' };

class ParamReader {
  private readonly problems: KcidbViolation[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly query: Query) {}

  private problem(name: string, message: string): void {
    this.problems.push({ pointer: `/${name}`, message });
  }

  string(name: string, rule?: Rule): string | null {
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

  required(name: string, rule?: Rule): string {
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

  /** `limit` as every /api/v1 list reads it: above MAX_PAGE counts as MAX_PAGE. */
  limit(): number {
    const raw = this.string('limit');
    if (raw === null) return DEFAULT_LIMIT;
    const limit = parseLimit(raw);
    if (limit === null) this.problem('limit', `${LIMIT_RULE} (got ${JSON.stringify(raw.slice(0, 100))})`);
    return limit ?? DEFAULT_LIMIT;
  }

  /** origin, from, to, limit, cursor; `defaultWindow` fills a missing interval with the last week. */
  filters(defaultWindow: boolean, now: Date, cursor: Rule): Filters {
    const origin = this.string('origin', { pattern: ORIGIN, words: 'an origin (lowercase letters, digits and _)' });
    let from = this.time('from');
    let to = this.time('to');
    if (defaultWindow) {
      to ??= now;
      from ??= new Date(to.getTime() - DEFAULT_INTERVAL_MS);
    }
    if (from && to && from.getTime() >= to.getTime()) this.problem('from', 'must be earlier than to');
    return { origin, from, to, limit: this.limit(), cursor: this.string('cursor', cursor) };
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
  const filters = windowed(r.filters(true, now, OBJECT_CURSOR));
  return r.done({ ...filters, tag: r.string('tag') });
}

export function parseRevisionParams(query: Query, now = new Date()): RevisionParams {
  const r = new ParamReader(query);
  const commit = r.required('commit', { pattern: COMMIT, words: '40 lowercase hexadecimal digits' });
  const patchset = r.string('patchset', { pattern: PATCHSET, words: '"" or 64 lowercase hexadecimal digits' }) ?? '';
  return r.done({ ...r.filters(false, now, OBJECT_CURSOR), commit, patchset });
}

export function parseHardwareParams(query: Query, now = new Date()): HardwareParams {
  const r = new ParamReader(query);
  return r.done(windowed(r.filters(true, now, HARDWARE_CURSOR)));
}

export function parseHardwareResultsParams(query: Query, now = new Date()): HardwareResultsParams {
  const r = new ParamReader(query);
  const hardware = r.required('hardware', { pattern: /^[^\0]+$/, words: 'a compatible string or platform name' });
  return r.done({ ...windowed(r.filters(true, now, OBJECT_CURSOR)), hardware });
}

export function parseTestHistoryParams(query: Query, now = new Date()): TestHistoryParams {
  const r = new ParamReader(query);
  const path = r.required('path', { pattern: PATH, words: 'a dotted test path' });
  return r.done({
    ...windowed(r.filters(true, now, OBJECT_CURSOR)),
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
  return r.done({ ...r.filters(false, now, PATH_CURSOR), buildId, prefix });
}
