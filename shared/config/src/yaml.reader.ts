// Reads YAML the way Packit does (YAML 1.1 as PyYAML reads it: anchors, `<<` merge keys,
// `yes`/`no` booleans, a repeated key wins over the earlier one) into plain values, and
// remembers where every key and value is written so that messages can point at it.
import { LineCounter, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export type PathSegment = string | number;
export type Path = readonly PathSegment[];

/** `jobs[3].targets[1]`; keys that are not plain words are quoted: `packages["a.b"]`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_][A-Za-z0-9_+-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface Position {
  line: number;
  column: number;
}

export interface YamlProblem {
  severity: 'error' | 'warning';
  message: string;
  position: Position;
  path: string;
}

export interface ParsedYaml {
  /** The document as plain values (objects have no prototype surprises: keys are own properties). */
  value: unknown;
  /** Syntax errors (then `value` is undefined), duplicate keys and unresolved tags (warnings). */
  problems: YamlProblem[];
  /** Where the value (or, with `part: 'key'`, the key) at `path` is written; the nearest written ancestor otherwise. */
  locate(path: Path | string, part?: 'key' | 'value'): Position;
}

/** More nodes than any real config has: a file of nested aliases ("billion laughs") stops here. */
const MAX_NODES = 200_000;

interface Spot {
  key?: number;
  value?: number;
}

export function readYaml(text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: false, lineCounter, prettyErrors: false });
  const spots = new Map<string, Spot>();
  const problems: YamlProblem[] = [];
  const pos = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  const locate = (path: Path | string, part: 'key' | 'value' = 'value'): Position => {
    let key = typeof path === 'string' ? path : formatPath(path);
    for (;;) {
      const spot = spots.get(key);
      const offset = spot && (part === 'key' ? (spot.key ?? spot.value) : (spot.value ?? spot.key));
      if (offset !== undefined) return pos(offset);
      if (key === '') return { line: 1, column: 1 };
      key = parentPath(key);
      part = 'value';
    }
  };

  // The first syntax error only: the ones after it are mostly its echoes.
  for (const e of doc.errors.slice(0, 1)) {
    // Point at the offending text, not at the indentation before it.
    let offset = e.pos[0];
    while (text[offset] === ' ' || text[offset] === '\t') offset++;
    problems.push({
      severity: 'error',
      message: describeYamlError(e.code, e.message),
      position: pos(offset),
      path: '',
    });
  }
  if (doc.errors.length > 0) return { value: undefined, problems, locate };
  for (const w of doc.warnings) {
    problems.push({ severity: 'warning', message: firstLine(w.message), position: pos(w.pos[0]), path: '' });
  }

  let nodes = 0;
  const building = new Set<Node>();
  const mark = (path: Path, part: 'key' | 'value', offset: number | undefined): void => {
    if (offset === undefined) return;
    const k = formatPath(path);
    const spot = spots.get(k) ?? {};
    if (spot[part] === undefined) spot[part] = offset;
    spots.set(k, spot);
  };

  const build = (node: unknown, path: Path): unknown => {
    if (++nodes > MAX_NODES) throw new TooLarge();
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      mark(path, 'value', node.range?.[0]);
      const target = node.resolve(doc);
      if (!target) return null;
      return build(target, path);
    }
    if (!isScalar(node) && !isSeq(node) && !isMap(node)) return null;
    mark(path, 'value', node.range?.[0]);
    if (isScalar(node)) return scalarValue(node);
    if (building.has(node)) throw new Recursive(formatPath(path));
    building.add(node);
    try {
      if (isSeq(node)) return node.items.map((item, i) => build(item, [...path, i]));
      const out: Record<string, unknown> = {};
      const merges: unknown[] = [];
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          merges.push(pair.value);
          continue;
        }
        const key = keyText(pair.key);
        const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (Object.prototype.hasOwnProperty.call(out, key)) {
          problems.push({
            severity: 'warning',
            message: `key "${key}" is repeated in this mapping; the last one wins`,
            position: pos(keyOffset ?? node.range?.[0] ?? 0),
            path: formatPath([...path, key]),
          });
          spots.delete(formatPath([...path, key]));
        }
        mark([...path, key], 'key', keyOffset);
        if (pair.value === null || pair.value === undefined) mark([...path, key], 'value', keyOffset);
        setOwn(out, key, build(pair.value, [...path, key]));
      }
      // Merge keys never override the mapping's own keys. Within one `<<: [*a, *b]` the
      // earlier source wins; of several `<<` keys in one mapping the later wins (PyYAML).
      for (const source of [...merges].reverse()) {
        const resolved = isAlias(source) ? source.resolve(doc) : source;
        const sources = isSeq(resolved) ? resolved.items : [resolved];
        for (const s of sources) {
          const merged = build(s, path);
          if (merged === null || typeof merged !== 'object' || Array.isArray(merged)) {
            problems.push({
              severity: 'error',
              message: 'a merge key (<<) must refer to a mapping',
              position: locate(path),
              path: formatPath(path),
            });
            continue;
          }
          for (const [k, v] of Object.entries(merged)) {
            if (!Object.prototype.hasOwnProperty.call(out, k)) setOwn(out, k, v);
          }
        }
      }
      return out;
    } finally {
      building.delete(node);
    }
  };

  try {
    const value = build(doc.contents, []);
    return { value, problems, locate };
  } catch (error) {
    if (error instanceof TooLarge) {
      problems.push({
        severity: 'error',
        message: 'the file expands to too many values (aliases nested too deep)',
        position: pos(0),
        path: '',
      });
      return { value: undefined, problems, locate };
    }
    if (error instanceof Recursive) {
      problems.push({
        severity: 'error',
        message: 'an alias refers to a value that contains it',
        position: locate(error.path),
        path: error.path,
      });
      return { value: undefined, problems, locate };
    }
    throw error;
  }
}

class TooLarge extends Error {}
class Recursive extends Error {
  constructor(readonly path: string) {
    super(path);
  }
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && key.type === Scalar.PLAIN);
}

/** Keys as written: `on:` stays "on" and `1.10:` stays "1.10" (YAML would make them true and 1.1). */
function keyText(key: unknown): string {
  if (isScalar(key)) {
    if (typeof key.value === 'string') return key.value;
    if (typeof key.source === 'string') return key.source;
    return String(key.value);
  }
  if (key === null || key === undefined) return '';
  return String((key as { toString(): string }).toString());
}

function scalarValue(node: Scalar): unknown {
  const v = node.value;
  if (v instanceof Date) return node.source ?? v.toISOString();
  if (typeof v === 'symbol') return v.description ?? '';
  if (v instanceof Uint8Array) return node.source ?? '';
  return v;
}

function parentPath(path: string): string {
  const m = /^(.*?)(?:\.[^.[\]]+|\[[^\]]*\])$/.exec(path);
  if (m) return m[1];
  return '';
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function describeYamlError(code: string, message: string): string {
  const text = firstLine(message);
  switch (code) {
    case 'BAD_INDENT':
      return `YAML syntax: bad indentation (${text})`;
    case 'TAB_AS_INDENT':
      return 'YAML syntax: a tab is used for indentation; use spaces';
    case 'BAD_ALIAS':
      return `YAML syntax: ${text} (an alias *name needs an anchor &name defined before it)`;
    case 'MULTIPLE_DOCS':
      return 'YAML syntax: the file holds several YAML documents (more than one ---); Packit reads exactly one';
    default:
      return `YAML syntax: ${text}`;
  }
}
