import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { KCIDB_STATUSES } from '@packflow/core';
import { KCIDB_REPORT_SCHEMA } from './kcidb-report.schema.js';
import type { KcidbReport, KcidbViolation } from './kcidb-report.types.js';

export type KcidbValidation = { ok: true; report: KcidbReport } | { ok: false; violations: KcidbViolation[] };

const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
addFormats.default(ajv, ['date-time', 'uri', 'email']);
const check = ajv.compile(KCIDB_REPORT_SCHEMA);

/** How many violations one answer lists at most (a report of 100,000 bad tests stays readable). */
export const MAX_VIOLATIONS = 1000;

/**
 * Checks that `value` is a KCIDB v5.0–v5.3 report. On failure lists every violation (up to
 * MAX_VIOLATIONS) as a JSON pointer to the offending value and a message in words.
 */
export function validateKcidbReport(value: unknown): KcidbValidation {
  if (check(value)) return { ok: true, report: value as KcidbReport };
  return { ok: false, violations: describe(check.errors ?? []) };
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export const pointerToken = (key: string | number): string => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

const KNOWN: Record<string, string> = {
  report: 'version, checkouts, builds, tests, issues, incidents',
};

function describe(errors: readonly ErrorObject[]): KcidbViolation[] {
  const found = errors.map((error) => ({ keyword: error.keyword, ...translate(error) }));
  // A value of the wrong type fails its other rules too; its type is the one to fix.
  const wrongType = new Set(found.filter((f) => f.keyword === 'type').map((f) => f.pointer));
  const seen = new Set<string>();
  const out: KcidbViolation[] = [];
  for (const { keyword, pointer, message } of found) {
    if (wrongType.has(pointer) && keyword !== 'type') continue;
    const key = `${pointer}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, message });
    if (out.length >= MAX_VIOLATIONS) break;
  }
  return out;
}

const TYPE_WORDS: Record<string, string> = {
  object: 'an object',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  integer: 'a whole number',
  boolean: 'true or false',
};

function translate(error: ErrorObject): KcidbViolation {
  const at = error.instancePath;
  const schema = (error.parentSchema ?? {}) as { description?: string; title?: string };
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return {
        pointer: `${at}/${pointerToken(String(params.missingProperty))}`,
        message: `is required${schema.title ? ` in a ${schema.title}` : ''}`,
      };
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const pointer = `${at}/${pointerToken(key)}`;
      if (schema.title === 'environment' && key === 'platform') {
        return { pointer, message: 'is not a field of environment: put the platform in environment.misc.platform' };
      }
      const known = KNOWN[schema.title ?? ''];
      const where = schema.title ? `a ${schema.title}` : 'this object';
      return { pointer, message: `is not a field of ${where}${known ? ` (expected ${known})` : ''}` };
    }
    case 'type': {
      if (error.data === null) return { pointer: at, message: 'must not be null (leave the field out instead)' };
      return { pointer: at, message: `must be ${TYPE_WORDS[String(params.type)] ?? String(params.type)}` };
    }
    case 'pattern':
    case 'format':
      return {
        pointer: at,
        message: `must be ${schema.description ?? `a ${String(params.format ?? 'valid value')}`}${hint(error)}`,
      };
    case 'enum':
      return { pointer: at, message: `must be one of ${(params.allowedValues as unknown[]).join(', ')}${hint(error)}` };
    case 'const':
      return { pointer: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'minimum':
    case 'maximum':
      return {
        pointer: at,
        message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`,
      };
    case 'maxLength':
      return { pointer: at, message: `must be at most ${String(params.limit)} characters long` };
    default:
      return { pointer: at, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** A hint for the mistakes people make most. */
function hint(error: ErrorObject): string {
  const data = error.data;
  if (typeof data !== 'string') return '';
  if (error.keyword === 'enum' && (KCIDB_STATUSES as readonly string[]).includes(data.toUpperCase())) {
    return ` (statuses are upper case: "${data.toUpperCase()}")`;
  }
  const pattern = String((error.params as { pattern?: string }).pattern ?? '');
  if (
    pattern.startsWith('^[a-z0-9_]+') &&
    data !== data.toLowerCase() &&
    new RegExp(pattern, 'u').test(data.toLowerCase())
  ) {
    return ' (origins are lower case)';
  }
  if (pattern.startsWith('^([a-zA-Z0-9_-]+') && /(^\.|\.\.|\.$)/.test(data)) return ' (it has an empty segment)';
  return '';
}
