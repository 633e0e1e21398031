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

  get failed(): boolean {
    return this.diagnostics.some((d) => d.severity === 'error');
  }
}

/** `file:line:column: error: jobs[3].targets[1]: message` (the path is left out when empty). */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.path ? `${d.path}: ` : ''}${d.message}`;
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

/** Text, or a number written where text is expected (`identifier: 2`). */
export function readText(r: Reporter, path: Path | string, v: unknown, what: string): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  r.error(path, `${what}: expected text, got ${describeValue(v)}`);
  return undefined;
}

/** A list of names; a single name is accepted as a list of one, as Packit does. */
export function readTextList(r: Reporter, path: Path | string, v: unknown, what: string): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number') return [String(v)];
  if (!Array.isArray(v)) {
    r.error(path, `${what}: expected a list of names, got ${describeValue(v)}`);
    return undefined;
  }
  const out: string[] = [];
  v.forEach((item, i) => {
    if (typeof item === 'string' || typeof item === 'number') out.push(String(item));
    else
      r.error(
        `${typeof path === 'string' ? path : formatPath(path)}[${i}]`,
        `${what}: expected a name, got ${describeValue(item)}`,
      );
  });
  return out;
}

const TRUE = ['true', 'yes', 'on', 'y', '1'];
const FALSE = ['false', 'no', 'off', 'n', '0'];

/** true/false, also written as text (`"yes"`, `"True"`) or 0/1 as Packit's schema accepts. */
export function readBool(r: Reporter, path: Path | string, v: unknown, what: string): boolean | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.includes(s)) return true;
    if (FALSE.includes(s)) return false;
  }
  r.error(path, `${what}: expected true or false, got ${describeValue(v)}`);
  return undefined;
}
