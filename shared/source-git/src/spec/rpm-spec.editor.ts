// Reads and edits the few things of an RPM spec file that source-git conversion touches:
// its Patch tags (with the comment lines above each) and whether %prep applies patches.
// Line-based on purpose: every line we do not own comes out exactly as it went in, so a
// conversion never reformats a maintainer's spec file.
import { ValidationError } from '@packflow/core';

/** A `PatchN:` (or unnumbered `Patch:`) tag of the spec. */
export interface PatchTag {
  /** The number written after `Patch`; null for an unnumbered `Patch:`. */
  number: number | null;
  /** The file it names (the last path segment: a URL names its file too). */
  file: string;
  /** 0-based index of the tag's line. */
  line: number;
  /** 0-based index of the first comment line directly above the tag (== line when none). */
  commentStart: number;
}

/** A Patch tag to write: number, file, and its comment lines (each already starting with `#`). */
export interface SpecPatch {
  number: number;
  file: string;
  comment: string[];
}

/** Scriptlets and other sections; what is not in one of them is preamble. */
const SECTION =
  /^%(package|description|prep|build|install|check|clean|files|changelog|pre|post|preun|postun|pretrans|posttrans|preuntrans|postuntrans|verifyscript|trigger\w*|filetrigger\w*|transfiletrigger\w*|generate_buildrequires|conf|patchlist|sourcelist)(\s|$)/;
const PATCH_TAG = /^Patch(\d*)\s*:\s*(\S.*?)\s*$/i;
const SOURCE_TAG = /^Source\d*\s*:/i;
const ANY_TAG = /^[A-Za-z][A-Za-z0-9()]*\s*:/;

export class RpmSpec {
  readonly lines: string[];
  private readonly finalNewline: boolean;

  constructor(
    text: string,
    /** The file name used in error messages. */
    readonly file: string,
  ) {
    this.finalNewline = text.endsWith('\n');
    this.lines = (this.finalNewline ? text.slice(0, -1) : text).split('\n');
  }

  toString(): string {
    return this.lines.join('\n') + (this.finalNewline ? '\n' : '');
  }

  /** Index of the `%prep` line, or -1. */
  private prepLine(): number {
    return this.lines.findIndex((l) => /^%prep(\s|$)/.test(l));
  }

  hasPrep(): boolean {
    return this.prepLine() >= 0;
  }

  /** Whether %prep applies the numbered patches itself (%autosetup or %autopatch). */
  appliesPatchesAutomatically(): boolean {
    const start = this.prepLine();
    if (start < 0) return false;
    for (let i = start + 1; i < this.lines.length && !SECTION.test(this.lines[i]); i++) {
      if (/%(\{)?(autosetup|autopatch)\b/.test(this.lines[i])) return true;
    }
    return false;
  }

  /** Whether each line is preamble (main or a %package's), where tags live. */
  private preambleMask(): boolean[] {
    const mask: boolean[] = [];
    let inPreamble = true;
    for (const line of this.lines) {
      const m = SECTION.exec(line);
      if (m) inPreamble = m[1] === 'package';
      mask.push(inPreamble && !m);
    }
    return mask;
  }

  patchTags(): PatchTag[] {
    const mask = this.preambleMask();
    const tags: PatchTag[] = [];
    this.lines.forEach((line, i) => {
      if (!mask[i]) return;
      const m = PATCH_TAG.exec(line.trim());
      if (!m) return;
      let commentStart = i;
      while (commentStart > 0 && mask[commentStart - 1] && /^\s*#/.test(this.lines[commentStart - 1])) {
        if (PATCH_TAG.test(this.lines[commentStart - 1].trim())) break;
        commentStart--;
      }
      tags.push({
        number: m[1] === '' ? null : Number(m[1]),
        file: m[2].split('/').pop()!,
        line: i,
        commentStart,
      });
    });
    return tags;
  }

  /**
   * The spec with exactly these Patch tags: tags naming a file in `keep` stay as written,
   * every other Patch tag (and the comment lines directly above it) goes, and `add` is
   * written as one block after the last kept tag, else where the first removed tag was,
   * else after the last Source tag.
   */
  withPatches(add: readonly SpecPatch[], keep: ReadonlySet<string>, digits: number): RpmSpec {
    if (!this.hasPrep()) {
      throw new ValidationError(`${this.file} has no %prep section, so it cannot apply patches`);
    }
    const tags = this.patchTags();
    const removed = tags.filter((t) => !keep.has(t.file));
    const kept = tags.filter((t) => keep.has(t.file));
    const drop = new Set<number>();
    for (const t of removed) for (let i = t.commentStart; i <= t.line; i++) drop.add(i);

    let anchor: number; // insert after this line (index into this.lines); -1 means at the top
    let before = false; // insert before `anchor` instead
    if (kept.length) {
      anchor = kept[kept.length - 1].line;
    } else if (removed.length) {
      anchor = removed[0].commentStart;
      before = true;
    } else {
      const mask = this.preambleMask();
      const sources = this.lines.map((l, i) => (mask[i] && SOURCE_TAG.test(l.trim()) ? i : -1)).filter((i) => i >= 0);
      const firstSection = this.lines.findIndex((l) => SECTION.test(l));
      const mainTags = this.lines
        .map((l, i) => (ANY_TAG.test(l.trim()) && (firstSection < 0 || i < firstSection) ? i : -1))
        .filter((i) => i >= 0);
      anchor = sources.length ? sources[sources.length - 1] : mainTags.length ? mainTags[mainTags.length - 1] : -2;
      if (anchor === -2) throw new ValidationError(`${this.file} has no preamble tags (Name:, Version:, Source:…)`);
    }

    const block = add.flatMap((p) => [...p.comment, `Patch${formatNumber(p.number, digits)}: ${p.file}`]);
    const out: string[] = [];
    this.lines.forEach((line, i) => {
      if (before && i === anchor) out.push(...block);
      if (!drop.has(i)) out.push(line);
      if (!before && i === anchor) out.push(...block);
    });
    return new RpmSpec(out.join('\n') + (this.finalNewline ? '\n' : ''), this.file);
  }
}

/** `Patch0001` with 4 digits, `Patch1` with 0 or 1 (Packit's patch_generation_patch_id_digits). */
export function formatNumber(n: number, digits: number): string {
  return String(n).padStart(digits, '0');
}

/** Comment lines for a spec: each line starts with `#` (an empty line becomes `#`). */
export function commentLines(text: string): string[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  if (lines.length === 1 && lines[0] === '') return [];
  return lines.map((l) => {
    const t = l.replace(/\s+$/, '');
    if (/^\s*#/.test(t)) return t.trimStart();
    return t ? `# ${t}` : '#';
  });
}
