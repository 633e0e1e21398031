// The Git trailers that steer patch generation (Packit's names and meaning): which file a
// commit's patch goes to, its number in the spec, the comment above it, and whether it is
// made at all. Values are YAML, as in Packit (`Patch-id: 100`, `Patch-status: |` blocks).
import { parse } from 'yaml';
import { ValidationError } from '@packflow/core';

export const PATCH_TRAILERS = [
  'Patch-name',
  'Patch-id',
  'Patch-status',
  'Patch-present-in-specfile',
  'Ignore-patch',
  'No-prefix',
] as const;

/** Marks a dist-git commit made from source-git (value: the source-git commit). */
export const FROM_SOURCE_GIT = 'From-source-git-commit';
/** Marks a source-git commit made from dist-git (value: the dist-git commit). */
export const FROM_DIST_GIT = 'From-dist-git-commit';

export interface PatchTrailers {
  /** `Patch-name`: the patch file's name; adjacent commits with the same name share a file. */
  name: string | null;
  /** `Patch-id`: the number of its Patch tag. */
  id: number | null;
  /** `Patch-status`: the comment above its Patch tag (else the commit message is used). */
  status: string | null;
  /** `Patch-present-in-specfile`: the spec already has its Patch tag; keep that one. */
  presentInSpecfile: boolean;
  /** `Ignore-patch`: make no patch of this commit. */
  ignore: boolean;
  /** `No-prefix`: `git format-patch --no-prefix`. */
  noPrefix: boolean;
}

/**
 * Reads our trailers from the trailer block `git interpret-trailers --only-trailers`
 * printed for a commit (continuation lines, indented, belong to the trailer above).
 * `where` names the commit in errors.
 */
export function parsePatchTrailers(trailerBlock: string, where: string): PatchTrailers {
  const ours: string[] = [];
  let current: string | null = null;
  for (const line of trailerBlock.split('\n')) {
    if (/^\s/.test(line) && current !== null) {
      current += `\n${line}`;
      continue;
    }
    if (current !== null) ours.push(current);
    const token = line.split(':', 1)[0];
    current = (PATCH_TRAILERS as readonly string[]).includes(token) ? line : null;
  }
  if (current !== null) ours.push(current);

  const values: Record<string, unknown> = {};
  for (const trailer of ours) {
    const key = trailer.split(':', 1)[0];
    let value: unknown;
    try {
      value = (parse(`${trailer}\n`, { version: '1.1' }) as Record<string, unknown>)[key];
    } catch (error) {
      throw new ValidationError(
        `${where}: trailer ${key} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    values[key] = value;
  }

  const name = values['Patch-name'];
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || !name.trim() || name.includes('/') || name === '.' || name === '..') {
      throw new ValidationError(`${where}: Patch-name must be a file name without '/', got ${JSON.stringify(name)}`);
    }
  }
  const id = values['Patch-id'];
  if (id !== undefined && id !== null && (typeof id !== 'number' || !Number.isInteger(id) || id < 0)) {
    throw new ValidationError(`${where}: Patch-id must be a whole number, got ${JSON.stringify(id)}`);
  }
  const status = values['Patch-status'];
  return {
    name: typeof name === 'string' ? name.trim() : null,
    id: typeof id === 'number' ? id : null,
    status: status === undefined || status === null ? null : String(status),
    presentInSpecfile: flag(values, 'Patch-present-in-specfile', where),
    ignore: flag(values, 'Ignore-patch', where),
    noPrefix: flag(values, 'No-prefix', where),
  };
}

function flag(values: Record<string, unknown>, key: string, where: string): boolean {
  const v = values[key];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean')
    throw new ValidationError(`${where}: ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** A commit message without its trailer block (the last paragraph, when git found trailers in it). */
export function messageWithoutTrailers(message: string, trailerBlock: string): string {
  const text = message.replace(/\s+$/, '');
  if (!trailerBlock.trim()) return text;
  const cut = text.lastIndexOf('\n\n');
  return cut < 0 ? text : text.slice(0, cut).replace(/\s+$/, '');
}
