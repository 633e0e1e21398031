// What `packflow config …` does, loaded only when such a command runs (config.command.ts
// registers it): @packflow/config is not needed for --help.
import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { EnvReader, ValidationError } from '@packflow/base';
import {
  CONFIG_FILE_NAMES,
  findConfigFile,
  formatDiagnostic,
  loadConfig,
  loadReleaseTable,
  readPlanningConfig,
  type LoadResult,
  type ReleaseTable,
} from '@packflow/config';
import { EXIT } from '../cli.errors.js';

/** The release table: PACKFLOW_RELEASES_FILE, else the one shipped with packflow. */
export function releaseTable(): ReleaseTable {
  const reader = new EnvReader(process.env);
  const { releasesFile } = reader.done(readPlanningConfig(reader));
  return loadReleaseTable(releasesFile);
}

/**
 * The directory relative paths are given from. `pnpm packflow …` runs in the repository
 * root; pnpm and npm keep the directory the operator typed the command in as INIT_CWD.
 */
export function resolveFromCaller(path: string): string {
  const reader = new EnvReader(process.env);
  return resolve(reader.optional('INIT_CWD') ?? process.cwd(), path);
}

/** A config file, or the config file at the root of a directory (default: the current one). */
export function readConfigFile(path: string | undefined): { file: string; text: string } {
  const target = resolveFromCaller(path ?? '.');
  try {
    if (statSync(target).isDirectory()) {
      const found = findConfigFile(target);
      if (!found) throw new ValidationError(`no ${CONFIG_FILE_NAMES.join(', ')} in ${path ?? 'the current directory'}`);
      // Messages name the file as the operator would: relative to what they gave.
      return { file: join(path ?? '.', basename(found)), text: readFileSync(found, 'utf8') };
    }
    return { file: path ?? target, text: readFileSync(target, 'utf8') };
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ValidationError(
      `cannot read ${path ?? target}: ${code === 'ENOENT' ? 'no such file or directory' : (code ?? (error as Error).message)}`,
    );
  }
}

export function loadConfigFile(path: string | undefined, releases: ReleaseTable): LoadResult & { file: string } {
  const { file, text } = readConfigFile(path);
  return { file, ...loadConfig(text, file, { releases }) };
}

/** `config validate`: print every diagnostic of a config and whether it is valid. */
export async function validateConfig(path: string | undefined, opts: { json?: boolean }): Promise<number> {
  const releases = releaseTable();
  const { file, config: loaded, diagnostics } = loadConfigFile(path, releases);
  const valid = loaded !== undefined;
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ file, valid, diagnostics })}\n`);
  } else {
    for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
    const count = (severity: string): number => diagnostics.filter((d) => d.severity === severity).length;
    const counts = (['error', 'warning', 'note'] as const)
      .map((severity) => (count(severity) ? plural(count(severity), severity) : ''))
      .filter(Boolean);
    process.stdout.write(`${file}: ${valid ? 'valid' : 'invalid'}${counts.length ? ` (${counts.join(', ')})` : ''}\n`);
  }
  return valid ? EXIT.ok : EXIT.failed;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
