// Comment commands on a Fedora dist-git (Pagure) pull request, as Packit has them:
// `/packit koji-build` builds the branch the pull request targets (its head, as Packit's
// `fedpkg build` of that branch does), `/packit create-update` makes the Bodhi update of
// that branch's latest build, `/packit pull-from-upstream --version X` lands version X in
// that branch again. Who may run them is ForgeRegistry.commandPermission's (packagers);
// this module works out what the pipeline runs on.
import {
  CONFIG_FILE_NAMES,
  formatDiagnostic,
  loadConfig,
  type PackitConfig,
  type ReleaseTable,
} from '@packflow/config';
import type { PackitCommand } from '@packflow/events';
import type { PagureForge, RepoId } from '@packflow/forges';
import { git } from '@packflow/source-git';

/** What a dist-git command runs on: the target branch's head, and the options its steps take. */
export interface DistGitCommandRun {
  branch: string;
  sha: string;
  stepOptions: Record<string, unknown>;
}

/** The head commit of a dist-git branch, asked of the git server (undefined: no such branch). */
export async function branchHead(gitUrl: string, repo: RepoId, branch: string): Promise<string | undefined> {
  const url = `${gitUrl.replace(/\/+$/, '')}/${repo.namespace}/${repo.repo}.git`;
  const out = await git(['ls-remote', '--end-of-options', url, `refs/heads/${branch}`], { cwd: '/' });
  return out.split('\t')[0] || undefined;
}

/** The run of a dist-git command, or the reply that explains why nothing runs. */
export async function distGitCommandRun(
  distGit: { pagure: PagureForge; gitUrl: string },
  repo: RepoId,
  pullRequest: number,
  command: PackitCommand,
): Promise<DistGitCommandRun | { reply: string }> {
  if (command.name === 'pull-from-upstream' && !command.version)
    return {
      reply:
        '`/packit pull-from-upstream` on a dist-git pull request needs the version to land: ' +
        '`/packit pull-from-upstream --version X`.',
    };
  const pr = await distGit.pagure.pullRequest(repo, pullRequest);
  if (!pr) return { reply: `packflow found no pull request #${pullRequest} on ${repo.namespace}/${repo.repo}.` };
  const sha = await branchHead(distGit.gitUrl, repo, pr.branch);
  if (!sha) return { reply: `packflow found no branch ${pr.branch} on ${repo.namespace}/${repo.repo}.` };
  return { branch: pr.branch, sha, stepOptions: commandStepOptions(command) };
}

/** What a command's arguments add to the options of the steps it runs (upstream or dist-git). */
export function commandStepOptions(command: PackitCommand): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  // `--koji-target`: the Koji target the build goes to (instead of the branch's own).
  if (command.kojiTarget) options.koji_target = command.kojiTarget;
  if (command.version) options.version = command.version;
  return options;
}

/** dist-git's own configuration (rawhide's, as Packit reads it); undefined when it has none. */
export async function distGitConfig(
  pagure: PagureForge,
  repo: RepoId,
  releases: ReleaseTable,
): Promise<{ config?: PackitConfig; errors: string[] } | undefined> {
  for (const name of CONFIG_FILE_NAMES) {
    const text = await pagure.fileContent(repo, name, 'rawhide');
    if (text === undefined) continue;
    const result = loadConfig(text, name, { releases });
    const errors = result.diagnostics.filter((x) => x.severity === 'error').map(formatDiagnostic);
    return { config: errors.length ? undefined : result.config, errors };
  }
  return undefined;
}
