// The package config of a source-git repository: `.distro/source-git.yaml` at HEAD, read
// with the same loader as `.packit.yaml` (it is the same format), and the few keys the
// conversion needs checked and given their Packit defaults.
import { ValidationError } from '@packflow/core';
import { formatDiagnostic, loadConfig } from '@packflow/config';
import type { GitRepository } from '../git/git.repository.js';

/** Where source-git keeps the downstream packaging. */
export const DISTRO_DIR = '.distro';
export const SOURCE_GIT_CONFIG = `${DISTRO_DIR}/source-git.yaml`;

export interface SourceGitConfig {
  /** `upstream_ref`: the upstream commit the downstream commits sit on (a tag, usually). */
  upstreamRef: string;
  /** Paths whose changes never become patches: `patch_generation_ignore_paths` and `.distro`. */
  ignorePaths: string[];
  /** `patch_generation_patch_id_digits` (Packit's default: 4, `Patch0001`). */
  patchIdDigits: number;
  /** `specfile_path`, from the top of the repository. */
  specfilePath: string;
  /** `downstream_package_name`, when set. */
  packageName: string | null;
}

export async function readSourceGitConfig(repo: GitRepository, ref = 'HEAD'): Promise<SourceGitConfig> {
  const content = await repo.readFile(ref, SOURCE_GIT_CONFIG);
  if (!content) {
    throw new ValidationError(`${repo.dir} has no ${SOURCE_GIT_CONFIG} at ${ref}: it is not a source-git repository`);
  }
  const file = `${repo.dir}/${SOURCE_GIT_CONFIG}`;
  const { config, diagnostics } = loadConfig(content.toString('utf8'), file);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (!config || errors.length) throw new ValidationError(errors.map(formatDiagnostic).join('; '));
  if (config.packages.length !== 1) {
    throw new ValidationError(
      `${file}: packages: a source-git repository holds one package, this file has ${config.packages.length}`,
    );
  }
  const options = config.packages[0].options;

  const upstreamRef = options.upstream_ref;
  if (upstreamRef === undefined || upstreamRef === null || upstreamRef === '') {
    throw new ValidationError(
      `${file}: upstream_ref is not set; it names the upstream commit the downstream commits sit on`,
    );
  }
  if (typeof upstreamRef !== 'string') {
    throw new ValidationError(
      `${file}: upstream_ref must be a git ref (a tag, branch or commit), got ${JSON.stringify(upstreamRef)}; quote it`,
    );
  }

  const ignore = options.patch_generation_ignore_paths ?? [];
  if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string' || p === '')) {
    throw new ValidationError(`${file}: patch_generation_ignore_paths must be a list of paths`);
  }
  const ignorePaths = [...new Set([DISTRO_DIR, ...(ignore as string[]).map((p) => p.replace(/\/+$/, ''))])];

  const digits = options.patch_generation_patch_id_digits ?? 4;
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 9) {
    throw new ValidationError(`${file}: patch_generation_patch_id_digits must be a whole number from 0 to 9`);
  }

  const packageName = typeof options.downstream_package_name === 'string' ? options.downstream_package_name : null;
  let specfilePath = options.specfile_path;
  if (specfilePath !== undefined && typeof specfilePath !== 'string') {
    throw new ValidationError(`${file}: specfile_path must be a path`);
  }
  if (!specfilePath) {
    const specs = (await repo.listFiles(ref, DISTRO_DIR)).filter((e) => e.path.endsWith('.spec'));
    const named = packageName ? specs.find((e) => e.path === `${DISTRO_DIR}/${packageName}.spec`) : undefined;
    if (named) specfilePath = named.path;
    else if (specs.length === 1) specfilePath = specs[0].path;
    else {
      throw new ValidationError(
        `${file}: specfile_path is not set and ${DISTRO_DIR}/ has ${specs.length} spec files; set specfile_path`,
      );
    }
  }
  return {
    upstreamRef,
    ignorePaths,
    patchIdDigits: digits,
    specfilePath: (specfilePath as string).replace(/^\.\//, ''),
    packageName,
  };
}
