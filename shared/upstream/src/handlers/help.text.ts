/** The reply to `/packit help` (and to commands packflow does not know). */
export function helpText(unknown?: string | null): string {
  return [
    unknown
      ? `packflow does not know the command \`${unknown}\`. These are the commands it knows:`
      : 'packflow commands:',
    '',
    '- `/packit build` (or `/packit copr-build`): build the SRPM and the RPMs in Copr again',
    '- `/packit test [--identifier ID]`: run the tests again, reusing the builds of this commit that succeeded',
    '- `/packit retest-failed`: run the failed tests again',
    '- `/packit rebuild-failed`: build the failed chroots again, and their tests',
    '- `/packit upstream-koji-build [--koji-target TARGET]`: build the SRPM in Koji again (scratch)',
    '- `/packit propose-downstream`: open the dist-git pull requests of the release again (on an issue: the latest release)',
    '- `--package NAME` with any of them: only that package of a monorepo',
    '',
    'Only people with write access to the repository can run commands.',
    '',
    'On a Fedora dist-git pull request (Fedora packagers only):',
    '',
    '- `/packit koji-build [--koji-target TARGET]`: build the branch the pull request targets in Koji',
    "- `/packit create-update`: create the Bodhi update of that branch's latest build (needs commit access too)",
    '- `/packit pull-from-upstream [--version X]`: land upstream version X (default: the latest release-monitoring.org knows) in that branch',
  ].join('\n');
}
