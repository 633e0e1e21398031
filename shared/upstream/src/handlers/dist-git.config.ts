// A Fedora package's packit configuration as dist-git has it: read from the rawhide branch
// (Packit loads a dist-git config from the default branch and ignores other branches'),
// and the head commit of a dist-git branch, for the pipelines that dist-git events start.
import {
  CONFIG_FILE_NAMES,
  formatDiagnostic,
  loadConfig,
  type PackitConfig,
  type ReleaseTable,
} from '@packflow/config';
import type { ReleaseMonitoringClient } from '@packflow/clients';
import { ConflictError } from '@packflow/core';
import type { PagureForge } from '@packflow/forges';
import { git } from '@packflow/source-git';

export interface DistGit {
  pagure: PagureForge;
  /** Where dist-git repositories are cloned from (`https://src.fedoraproject.org`). */
  gitUrl: string;
  /** release-monitoring.org: the latest upstream version of a package. */
  releaseMonitoring: ReleaseMonitoringClient;
}

/** The config: undefined when the package has none; `config` unset when it is not valid (`errors` say why). */
export async function distGitConfig(
  distGit: DistGit,
  repo: { namespace: string; repo: string },
  releases: ReleaseTable,
): Promise<{ config?: PackitConfig; errors: string[] } | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const text = await distGit.pagure.fileContent(repo, name, 'rawhide');
    if (text === undefined) continue;
    const result = loadConfig(text, name, { releases });
    const errors = result.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic);
    return { config: errors.length ? undefined : result.config, errors };
  }
  return undefined;
}

/** The head commit of a dist-git branch, asked of the git server (undefined: no such branch). */
export async function branchHead(
  distGit: DistGit,
  repo: { namespace: string; repo: string },
  branch: string,
): Promise<string | undefined> {
  const url = `${distGit.gitUrl.replace(/\/+$/, '')}/${repo.namespace}/${repo.repo}.git`;
  const out = await git(['ls-remote', '--end-of-options', url, `refs/heads/${branch}`], { cwd: '/' });
  return out.split('\t')[0] || undefined;
}

/** The head commit of a dist-git branch that must exist (a ConflictError names it otherwise). */
export async function distGitHead(
  distGit: DistGit,
  repo: { namespace: string; repo: string },
  branch: string,
): Promise<string> {
  const sha = await branchHead(distGit, repo, branch);
  if (!sha) throw new ConflictError(`dist-git ${repo.namespace}/${repo.repo} has no ${branch} branch`);
  return sha;
}
