// Comment commands on a Fedora dist-git (Pagure) pull request, as Packit has them:
// `/packit koji-build` builds the branch the pull request targets (its head, as Packit's
// `fedpkg build` of that branch does), `/packit create-update` makes the Bodhi update of
// that branch's latest build, `/packit pull-from-upstream --version X` lands version X in
// that branch again; without `--version`, the latest version release-monitoring.org
// (Anitya) knows for the package (the dist-git repository's name), as Packit asks it. Who may run them is ForgeRegistry.commandPermission's (packagers);
// this module works out what the pipeline runs on.
import type { PackitCommand } from '@packflow/events';
import type { RepoId } from '@packflow/forges';
import { branchHead, type DistGit } from './dist-git.config.js';

/** What a dist-git command runs on: the target branch's head, and the options its steps take. */
export interface DistGitCommandRun {
  branch: string;
  sha: string;
  stepOptions: Record<string, unknown>;
}

/** The run of a dist-git command, or the reply that explains why nothing runs. */
export async function distGitCommandRun(
  distGit: DistGit,
  repo: RepoId,
  pullRequest: number,
  command: PackitCommand,
): Promise<DistGitCommandRun | { reply: string }> {
  const version =
    command.name === 'pull-from-upstream' && !command.version
      ? await distGit.releaseMonitoring.latestVersion(repo.repo)
      : command.version;
  if (command.name === 'pull-from-upstream' && !version)
    return {
      reply:
        `packflow could not tell the latest upstream release of ${repo.repo}: release-monitoring.org has ` +
        'no project for it. Name the version to land: `/packit pull-from-upstream --version X`.',
    };
  const pr = await distGit.pagure.pullRequest(repo, pullRequest);
  if (!pr) return { reply: `packflow found no pull request #${pullRequest} on ${repo.namespace}/${repo.repo}.` };
  const sha = await branchHead(distGit, repo, pr.branch);
  if (!sha) return { reply: `packflow found no branch ${pr.branch} on ${repo.namespace}/${repo.repo}.` };
  return { branch: pr.branch, sha, stepOptions: commandStepOptions({ ...command, version }) };
}

/** What a command's arguments add to the options of the steps it runs (upstream or dist-git). */
export function commandStepOptions(command: PackitCommand): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  // `--koji-target`: the Koji target the build goes to (instead of the branch's own).
  if (command.kojiTarget) options.koji_target = command.kojiTarget;
  if (command.version) options.version = command.version;
  return options;
}
