// What landing a new upstream release in dist-git does to a spec file (Packit's
// propose_downstream and pull_from_upstream): the new Version, the Release reset to 1
// (its `%{?dist}` and other suffix kept), a %changelog entry, or nothing for what
// rpmautospec owns (`%autorelease`, `%autochangelog`). Also expands Source0's URL, with the
// spec's own simple macros, to find the release archive. Line-based like RpmSpec: lines
// not touched come out as they went in.
import { ValidationError } from '@packflow/core';
import { RpmSpec } from './rpm-spec.editor.js';

/** Lines that open a section (the end of the preamble, or of %changelog). */
const SECTION_START =
  /^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun|pretrans|posttrans|verifyscript|trigger\w*|filetrigger\w*|transfiletrigger\w*|generate_buildrequires|conf|patchlist|sourcelist)(\s|$)/;
const CHANGELOG = /^%changelog(\s|$)/;

export interface ReleaseChange {
  version: string;
  /** The entry's lines (each `- …`); ignored when the spec uses %autochangelog. */
  entry: string[];
  author: { name: string; email: string };
  /** The entry's date (default: now). */
  date?: Date;
  /** A %changelog section to use instead of the spec's own (sync_changelog: the upstream spec's). */
  changelog?: string[];
}

function tagIndex(spec: RpmSpec, tag: string): number {
  const re = new RegExp(`^${tag}\\s*:`, 'i');
  const firstSection = spec.lines.findIndex((l) => SECTION_START.test(l));
  return spec.lines.findIndex((l, i) => re.test(l) && (firstSection < 0 || i < firstSection));
}

/** The value of a main-preamble tag as written (`%{name}-%{version}.tar.gz`), or undefined. */
export function specTag(spec: RpmSpec, tag: string): string | undefined {
  const i = tagIndex(spec, tag);
  return i < 0 ? undefined : spec.lines[i].replace(/^[^:]+:\s*/, '').trim();
}

function replaceTag(lines: string[], i: number, value: string): void {
  const m = /^([^:]+:\s*)/.exec(lines[i])!;
  lines[i] = `${m[1]}${value}`;
}

/** The %changelog section's lines after its header, up to the end or the next section. */
function changelogRange(lines: string[]): { start: number; end: number } | undefined {
  const start = lines.findIndex((l) => CHANGELOG.test(l));
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !SECTION_START.test(lines[end])) end++;
  return { start, end };
}

/** The body of the %changelog section (what sync_changelog copies from the upstream spec). */
export function changelogOf(spec: RpmSpec): string[] {
  const range = changelogRange(spec.lines);
  return range ? spec.lines.slice(range.start + 1, range.end) : [];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Wed Dec 02 2026`, as rpm's %changelog wants it. */
export function changelogDate(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${d.getUTCFullYear()}`;
}

/**
 * The spec with the new version. `Release: 3%{?dist}` becomes `1%{?dist}`; `%autorelease`
 * stays; the entry goes on top of %changelog unless it holds `%autochangelog`.
 */
export function withNewRelease(spec: RpmSpec, change: ReleaseChange): RpmSpec {
  if (!/^[A-Za-z0-9._+~^]+$/.test(change.version))
    throw new ValidationError(`"${change.version}" is not an RPM version (letters, digits and . _ + ~ ^ only)`);
  const lines = [...spec.lines];
  const v = tagIndex(spec, 'Version');
  if (v < 0) throw new ValidationError(`${spec.file} has no Version tag`);
  replaceTag(lines, v, change.version);
  const r = tagIndex(spec, 'Release');
  if (r < 0) throw new ValidationError(`${spec.file} has no Release tag`);
  const release = specTag(spec, 'Release')!;
  const autorelease = /%\{?\??autorelease\b/.test(release);
  let releaseValue = release;
  if (!autorelease) {
    releaseValue = release.replace(/^[0-9.]+/, '1');
    if (releaseValue === release && !/^1/.test(release)) releaseValue = `1${release.replace(/^[^%]*/, '')}`;
    replaceTag(lines, r, releaseValue);
  }

  let range = changelogRange(lines);
  if (change.changelog) {
    if (!range) {
      lines.push('%changelog');
      range = { start: lines.length - 1, end: lines.length };
    }
    lines.splice(range.start + 1, range.end - range.start - 1, ...change.changelog);
    range = changelogRange(lines)!;
  }
  const body = range ? lines.slice(range.start + 1, range.end) : [];
  if (!body.some((l) => /%\{?autochangelog\b/.test(l))) {
    if (!range) {
      if (lines.length && lines[lines.length - 1] !== '') lines.push('');
      lines.push('%changelog');
      range = { start: lines.length - 1, end: lines.length };
    }
    const evr = autorelease ? change.version : `${change.version}-${releaseValue.replace(/%\{\?dist\}.*$/, '')}`;
    const header = `* ${changelogDate(change.date ?? new Date())} ${change.author.name} <${change.author.email}> - ${evr}`;
    const entry = change.entry.map((l) => (l.startsWith('-') ? l : `- ${l}`)).map(sanitizeEntry);
    const blank = range.end > range.start + 1 && lines[range.start + 1].trim() !== '' ? [''] : [];
    lines.splice(range.start + 1, 0, header, ...entry, ...blank);
  }
  return new RpmSpec(lines.join('\n') + '\n', spec.file);
}

/** A `%` in an entry would be a macro to rpm, a leading `*` a new entry (Packit escapes both as well). */
function sanitizeEntry(line: string): string {
  return line.replace(/%/g, '%%').replace(/^\*/, '-');
}

/**
 * Source0 (or an unnumbered Source) with the spec's macros expanded: `%{name}`,
 * `%{version}` (the new one), `%{url}` and `%global`/`%define` macros without arguments.
 * A macro it cannot expand is named in the error.
 */
export function expandedSource0(spec: RpmSpec, version: string): string {
  const source = specTag(spec, 'Source0') ?? specTag(spec, 'Source');
  if (!source) throw new ValidationError(`${spec.file} has no Source0 tag`);
  const macros = new Map<string, string>();
  for (const line of spec.lines) {
    const m = /^%(?:global|define)\s+(\w+)\s+(.*\S)\s*$/.exec(line);
    if (m && !macros.has(m[1])) macros.set(m[1], m[2]);
  }
  for (const tag of ['Name', 'URL', 'Release']) {
    const value = specTag(spec, tag);
    if (value !== undefined) macros.set(tag.toLowerCase(), value);
  }
  macros.set('version', version);
  let text = source;
  for (let round = 0; round < 10 && /%/.test(text); round++) {
    text = text.replace(/%\{(\??)(\w+)\}|%(\w+)/g, (whole, optional: string, braced?: string, bare?: string) => {
      const name = braced ?? bare!;
      const value = macros.get(name);
      if (value !== undefined) return value;
      return optional ? '' : whole;
    });
  }
  const left = /%\{?\??(\w+)/.exec(text);
  if (left)
    throw new ValidationError(
      `${spec.file}: Source0 ${source} uses the macro %${left[1]}, which packflow cannot expand`,
    );
  return text;
}
