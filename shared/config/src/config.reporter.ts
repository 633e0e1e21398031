// Collects diagnostics with their location in the file; the same finding about an
// inherited key (reported once per package that inherits it) is kept once.
import type { Diagnostic, Severity } from './config.types.js';
import { formatPath, type ParsedYaml, type Path } from './yaml.reader.js';

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  constructor(
    readonly file: string,
    private readonly yaml: ParsedYaml,
  ) {}

  report(severity: Severity, path: Path | string, message: string, part: 'key' | 'value' = 'value'): void {
    const p = typeof path === 'string' ? path : formatPath(path);
    const id = `${severity}\u0000${p}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const { line, column } = this.yaml.locate(p, part);
    this.diagnostics.push({ severity, message, file: this.file, line, column, path: p });
  }

  error(path: Path | string, message: string, part?: 'key' | 'value'): void {
    this.report('error', path, message, part);
  }

  warning(path: Path | string, message: string, part?: 'key' | 'value'): void {
    this.report('warning', path, message, part);
  }

  /** Not a problem: what packflow does that the maintainer may not expect (as Packit does it). */
  note(path: Path | string, message: string, part?: 'key' | 'value'): void {
    this.report('note', path, message, part);
  }

  get failed(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/**
 * `file:line:column: error: jobs[3].targets[1]: message` (the path is left out when empty,
 * and a message that starts with the key the path ends in does not say it twice).
 */
export function formatDiagnostic(d: Diagnostic): string {
  let message = d.message;
  const named = /^([\w.\-[\]"]+): /.exec(message);
  const bare = (p: string): string => p.replace(/\[\d+\]/g, '');
  if (named && d.path && (bare(d.path) === bare(named[1]) || bare(d.path).endsWith(`.${bare(named[1])}`)))
    message = message.slice(named[0].length);
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${message}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a value looks, for "expected X, got Y" messages. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  return `${typeof v === 'boolean' ? 'the boolean' : 'the number'} ${String(v)}`;
}

/** Text. A number is not text (Packit's schema refuses it too): the message says to quote it. */
export function readText(r: Reporter, path: Path | string, v: unknown, what: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  const hint =
    typeof v === 'number' || typeof v === 'boolean' ? ` (write "${String(v)}" in quotes if you mean text)` : '';
  r.error(path, `${what}: expected text, got ${describeValue(v)}${hint}`);
  return undefined;
}

/**
 * A list of names. A single name is read as a list of one; unless `single` (packflow's own
 * keys, and the Packit keys that take "a name or a list") that is a warning: Packit's
 * schema refuses it.
 */
export function readTextList(
  r: Reporter,
  path: Path | string,
  v: unknown,
  what: string,
  options: { single?: boolean; noun?: string } = {},
): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  const noun = options.noun ?? 'name';
  if (typeof v === 'string') {
    if (!options.single)
      r.warning(
        path,
        `${what}: expected a list of ${noun}s, got the single ${noun} "${v}"; packflow reads it as a list of one, Packit refuses it: write [${v}]`,
      );
    return [v];
  }
  if (!Array.isArray(v)) {
    r.error(path, `${what}: expected a list of ${noun}s, got ${describeValue(v)}`);
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string') out.push(item);
    else {
      const hint = typeof item === 'number' ? ` (write "${item}" in quotes)` : '';
      r.error(
        `${typeof path === 'string' ? path : formatPath(path)}[${i}]`,
        `${what}: expected a ${noun}, got ${describeValue(item)}${hint}`,
      );
    }
  });
  return out;
}

const BOOLEAN_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'];

/**
 * true or false (YAML 1.1 also reads an unquoted yes/no/on/off as one), or 0/1 as Packit's
 * schema takes them. Text is refused, also "no" in quotes: Packit's schema would read that
 * as false, packflow asks for the boolean (a quoted flag is usually a mistake).
 */
export function readBool(r: Reporter, path: Path | string, v: unknown, what: string): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === 1) return v === 1;
  const word = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
  const hint =
    word !== undefined && BOOLEAN_WORDS.includes(word)
      ? ` (in quotes it is text, not a boolean: write ${['true', 'yes', 'on', 'y'].includes(word) ? 'true' : 'false'} without quotes)`
      : '';
  r.error(path, `${what}: expected true or false, got ${describeValue(v)}${hint}`);
  return undefined;
}

/** A whole number, also written as digits in quotes (as Packit's schema reads `timeout: "3600"`). */
export function readInt(r: Reporter, path: Path | string, v: unknown, what: string, min?: number): number | undefined {
  if (v === null || v === undefined) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) {
    r.error(path, `${what}: expected a whole number, got ${describeValue(v)}`);
    return undefined;
  }
  if (min !== undefined && n < min) {
    r.error(path, `${what}: expected a whole number of at least ${min}, got ${n}`);
    return undefined;
  }
  return n;
}
