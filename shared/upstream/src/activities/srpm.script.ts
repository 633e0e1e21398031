// The SRPM build as Packit submits it to Copr (custom source method): a script that runs
// `packit prepare-sources` on the commit, in the latest stable Fedora chroot, with packit
// from Packit's Copr repository and the job's `srpm_build_deps` installed next to it. In a
// monorepo the script names the package (`-p <package>`): Copr's custom method takes no
// package name, it learns it from the SRPM the script makes. The first comment carries the
// idempotency key, which a retry looks for (copr.activities.ts).
import { ExternalServiceError } from '@packflow/core';
import type { TargetTask } from '@packflow/engine';
import { cloneUrl } from './activity-context.js';

export const KEY_COMMENT = '# packflow-idempotency-key: ';
/** Where packit comes from in Copr's script chroot (Packit's `get_packit_copr()` of production). */
export const PACKIT_COPR_REPO = 'copr://packit/packit-stable';
/** Copr's package names (`BasePackageForm.package_name_regex`). */
const PACKAGE_NAME = /^[-+_.a-zA-Z0-9]+$/;

export interface SrpmScriptInput {
  repoUrl: string;
  sha: string;
  /** The pipeline's ref: a pull request's number goes to packit as `--pr-id`. */
  ref?: { kind: string; name: string };
  /** The package of several this SRPM is for (`-p`); none for a single-package repository. */
  package?: string | null;
  idempotencyKey?: string;
  /** `release_suffix` of the job. */
  releaseSuffix?: string;
}

/** What `build/create/custom` gets besides the project: the script and where it runs. */
export interface SrpmSubmission {
  script: string;
  builddeps: string[];
  repos: string[];
  scriptChroot?: string;
}

/** Single quotes for the shell. */
const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** The script Copr runs to make the sources of the SRPM: packit prepares them from the commit. */
export function srpmScript(input: SrpmScriptInput): string {
  const options = ['--ref', quote(input.sha)];
  if (input.ref?.kind === 'pull_request') options.push('--pr-id', quote(input.ref.name), '--no-merge-pr');
  if (input.ref?.kind === 'release' || input.ref?.kind === 'tag')
    options.push('--no-update-release', '--merged-ref', quote(input.ref.name));
  if (input.releaseSuffix) options.push('--release-suffix', quote(input.releaseSuffix));
  options.push('--no-create-symlinks', quote(input.repoUrl));
  const pkg = input.package ? ` -p ${quote(input.package)}` : '';
  return [
    '#!/bin/sh',
    ...(input.idempotencyKey ? [`${KEY_COMMENT}${input.idempotencyKey}`] : []),
    'set -eu',
    'git config --global user.email "packflow@localhost"',
    'git config --global user.name "packflow"',
    'resultdir=$PWD',
    `packit -d prepare-sources${pkg} --result-dir "$resultdir" ${options.join(' ')}`,
  ].join('\n');
}

/**
 * The SRPM step's submission. A monorepo's SRPM step carries its package as identifier
 * (the planner's job view of one package of several); a single package's carries none.
 */
export function srpmSubmission(task: TargetTask, scriptChroot: string | undefined): SrpmSubmission {
  const pkg = task.identifier !== null && task.identifier === task.package ? task.package : null;
  if (pkg !== null && !PACKAGE_NAME.test(pkg)) {
    throw new ExternalServiceError(
      'copr',
      `package "${pkg}" (packages: in .packit.yaml) is not a name Copr takes: letters, digits and - + _ . only`,
      { retryable: false },
    );
  }
  const deps = task.options.srpm_build_deps;
  const extra = Array.isArray(deps) ? deps.map(String) : typeof deps === 'string' ? deps.split(/\s+/) : [];
  return {
    script: srpmScript({
      repoUrl: cloneUrl(task.pipeline),
      sha: task.pipeline.commitSha,
      ref: task.pipeline.ref,
      package: pkg,
      idempotencyKey: task.idempotencyKey,
      releaseSuffix: typeof task.options.release_suffix === 'string' ? task.options.release_suffix : undefined,
    }),
    builddeps: [...new Set(['packit', ...extra.filter(Boolean)])],
    repos: [PACKIT_COPR_REPO],
    scriptChroot,
  };
}
