// Reads YAML the way Packit does (YAML 1.1 as PyYAML reads it: anchors, `<<` merge keys,
// `yes`/`no` booleans, a repeated key wins over the earlier one) into plain values, and
// remembers where every key and value is written so that messages can point at it.
import { Buffer } from 'node:buffer';
import { LineCounter, Scalar, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';

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

/**
 * Limits on what a config may cost to read (any pull request author can put a file in
 * front of packflow). Real configs are a few KB with a few dozen aliases; these are
 * far above that and far below what hurts.
 */
export const YAML_LIMITS = {
  /** Bytes of text; checked before parsing. */
  maxBytes: 512 * 1024,
  /** Alias nodes (`*name`) in the file. */
  maxAliases: 1_000,
  /** Values the document stands for once every alias is expanded; counted without expanding. */
  maxValues: 50_000,
  /** Nesting of mappings and lists. */
  maxDepth: 64,
} as const;

interface Spot {
  key?: number;
  value?: number;
}

export function readYaml(text: string): ParsedYaml {
  const problems: YamlProblem[] = [];
  const refuse = (message: string, position: Position = { line: 1, column: 1 }): ParsedYaml => {
    problems.push({ severity: 'error', message, position, path: '' });
    return { value: undefined, problems, locate: () => position };
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > YAML_LIMITS.maxBytes) {
    return refuse(
      `the file is ${bytes.toLocaleString('en')} bytes, more than the limit of ${YAML_LIMITS.maxBytes.toLocaleString('en')} bytes ` +
        `(${YAML_LIMITS.maxBytes / 1024} KiB) for a config file; packflow does not read it`,
    );
  }
  if (flowDepth(text) > YAML_LIMITS.maxDepth) return refuse(tooDeep());
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { version: '1.1', merge: true, uniqueKeys: false, lineCounter, prettyErrors: false });
  } catch (error) {
    // The parser recurses: thousands of nested brackets exhaust the stack before any limit is checked.
    if (error instanceof RangeError) return refuse(tooDeep());
    throw error;
  }
  const spots = new Map<string, Spot>();
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

  // The parser reports running out of stack (deep nesting) as a syntax error.
  if (doc.errors.some((e) => /call stack/i.test(e.message))) return refuse(tooDeep());
  // The first syntax error only: the ones after it are mostly its echoes.
  for (const e of doc.errors.slice(0, 1)) problems.push(syntaxProblem(text, e.code, e.message, e.pos[0], pos));
  if (doc.errors.length > 0) return { value: undefined, problems, locate };
  for (const w of doc.warnings) {
    problems.push({ severity: 'warning', message: firstLine(w.message), position: pos(w.pos[0]), path: '' });
  }

  // Measured before anything is expanded: an alias bomb costs what its text costs.
  const limit = measure(doc);
  if (limit) return refuse(limit.message, limit.offset === undefined ? undefined : pos(limit.offset));

  const building = new Set<Node>();
  const mark = (path: Path, part: 'key' | 'value', offset: number | undefined): void => {
    if (offset === undefined) return;
    const k = formatPath(path);
    const spot = spots.get(k) ?? {};
    if (spot[part] === undefined) spot[part] = offset;
    spots.set(k, spot);
  };

  const build = (node: unknown, path: Path): unknown => {
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

/** What the document stands for once aliases are expanded, measured without expanding (each node once). */
function measure(doc: Document): { message: string; offset?: number } | undefined {
  const memo = new Map<Node, { values: number; depth: number }>();
  const active = new Set<Node>();
  let aliases = 0;
  let values = 0;
  class Over extends Error {
    offset?: number;
  }
  const walk = (node: unknown, depth: number): { values: number; depth: number } => {
    if (depth > YAML_LIMITS.maxDepth) throw Object.assign(new Over(tooDeep()), { offset: rangeStart(node) });
    if (isAlias(node)) {
      if (++aliases > YAML_LIMITS.maxAliases)
        throw Object.assign(
          new Over(
            `the file uses more than ${YAML_LIMITS.maxAliases.toLocaleString('en')} aliases (*name), the limit for a config file`,
          ),
          { offset: node.range?.[0] },
        );
      const target = node.resolve(doc);
      try {
        return target ? walk(target, depth) : { values: 1, depth: 1 };
      } catch (error) {
        // The outermost alias on the way up: the one whose expansion goes over the limit.
        if (error instanceof Over && node.range) error.offset = node.range[0];
        throw error;
      }
    }
    if (!isSeq(node) && !isMap(node)) return { values: 1, depth: 1 };
    const known = memo.get(node);
    if (known) {
      if (depth + known.depth - 1 > YAML_LIMITS.maxDepth)
        throw Object.assign(new Over(tooDeep()), { offset: rangeStart(node) });
      return known;
    }
    if (active.has(node)) return { values: 1, depth: 1 }; // a cycle: reported with its path when building
    active.add(node);
    const m = { values: 1, depth: 1 };
    const children: unknown[] = isSeq(node) ? node.items : node.items.flatMap((p) => [p.key, p.value]);
    for (const child of children) {
      const c = walk(child, depth + 1);
      m.values += c.values;
      m.depth = Math.max(m.depth, c.depth + 1);
      if (m.values > YAML_LIMITS.maxValues) {
        throw Object.assign(
          new Over(
            `the file's aliases expand to more than ${YAML_LIMITS.maxValues.toLocaleString('en')} values, the limit for a config file ` +
              '(aliases of aliases multiply, as in a "billion laughs" file); packflow refuses it without expanding it',
          ),
          { offset: rangeStart(child) ?? rangeStart(node) },
        );
      }
    }
    active.delete(node);
    memo.set(node, m);
    return m;
  };
  try {
    values = walk(doc.contents, 1).values;
  } catch (error) {
    if (error instanceof Over) return { message: error.message, offset: error.offset };
    if (error instanceof RangeError) return { message: tooDeep() };
    throw error;
  }
  return values > YAML_LIMITS.maxValues ? { message: 'too many values' } : undefined;
}

/** How deep `[` and `{` nest (outside comments; quotes are not told apart: an upper bound). */
function flowDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let comment = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') comment = false;
    else if (comment) continue;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) comment = true;
    else if (c === '[' || c === '{') max = Math.max(max, ++depth);
    else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return max;
}

function tooDeep(): string {
  return `values are nested more than ${YAML_LIMITS.maxDepth} levels deep, the limit for a config file`;
}

function rangeStart(node: unknown): number | undefined {
  return node && typeof node === 'object' && 'range' in node ? (node as { range?: [number] }).range?.[0] : undefined;
}

/** A syntax error located at the line the maintainer has to change, in words about that line. */
function syntaxProblem(
  text: string,
  code: string,
  message: string,
  at: number,
  pos: (offset: number) => Position,
): YamlProblem {
  // Point at the offending text, not at the indentation before it.
  let offset = at;
  while (text[offset] === ' ' || text[offset] === '\t') offset++;
  const position = pos(offset);
  const indentation =
    code === 'BAD_INDENT' ||
    code === 'BLOCK_AS_IMPLICIT_KEY' ||
    code === 'MULTILINE_IMPLICIT_KEY' ||
    (code === 'MISSING_CHAR' && /without - indicator/.test(message));
  // Only these two come a line early: the parser takes the deeper line for part of this one's value.
  const late = code === 'BLOCK_AS_IMPLICIT_KEY' || code === 'MULTILINE_IMPLICIT_KEY';
  const hint = indentation ? indentationHint(text.split(/\r?\n/), position.line - 1, late) : undefined;
  if (hint) return { severity: 'error', message: `YAML syntax: ${hint.message}`, position: hint.position, path: '' };
  return { severity: 'error', message: describeYamlError(code, message), position, path: '' };
}

const indentOf = (line: string): number => line.length - line.trimStart().length;
const significant = (line: string): boolean => line.trim() !== '' && !line.trimStart().startsWith('#');
/** `  - job: x` -> column of `job` (4), the key and what follows it. */
const KEY_LINE = /^(\s*(?:-\s+)?)([^\s:#'"][^:#]*?|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;
const spaces = (n: number): string => `${n} space${n === 1 ? '' : 's'}`;

/**
 * The parser often notices bad indentation a line late (`trigger: x` followed by an
 * over-indented `targets:` is reported on the trigger line) and says it in its own terms.
 * Finds the line that is out of place and says how it is indented against its neighbour.
 */
function indentationHint(
  lines: string[],
  i: number,
  late: boolean,
): { message: string; position: Position } | undefined {
  if (i < 0 || i >= lines.length) return undefined;
  let next = i + 1;
  while (next < lines.length && !significant(lines[next])) next++;
  let prev = i - 1;
  while (prev >= 0 && !significant(lines[prev])) prev--;
  const cur = KEY_LINE.exec(lines[i]);
  const after = next < lines.length ? KEY_LINE.exec(lines[next]) : null;
  // `key: value` then a deeper line: the deeper line is the mistake.
  if (late && cur && cur[3] && !/^[|>&*]/.test(cur[3]) && after && indentOf(lines[next]) > cur[1].length) {
    const n = indentOf(lines[next]);
    return {
      message:
        `bad indentation: "${after[2]}:" is indented ${spaces(n)}, deeper than "${cur[2]}:" on line ${i + 1}, which already has a value; ` +
        `indent it ${spaces(cur[1].length)} to make it a key next to "${cur[2]}"`,
      position: { line: next + 1, column: n + 1 },
    };
  }
  if (prev < 0) return undefined;
  const n = indentOf(lines[i]);
  const before = KEY_LINE.exec(lines[prev]);
  const prevColumn = before ? before[1].length : indentOf(lines[prev]);
  const item = (line: string): boolean => /^\s*-(\s|$)/.test(line);
  const what = cur ? `"${cur[2]}:"` : item(lines[i]) ? 'the list item' : 'this line';
  const prevWhat = before ? ` ("${before[2]}:")` : item(lines[prev]) ? ' (a list item)' : '';
  return {
    message:
      `bad indentation: ${what} is indented ${spaces(n)}, but line ${prev + 1} before it${prevWhat} is indented ${spaces(prevColumn)}; ` +
      'the keys of one mapping (and the items of one list) must start in the same column',
    position: { line: i + 1, column: n + 1 },
  };
}
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
