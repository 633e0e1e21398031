// `packflow source-git …`: registration only (commander and nothing heavy), so `--help`
// stays fast; the work is in source-git.actions.ts, imported when a command runs.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';

export function registerSourceGit(program: Command): void {
  const sourceGit = program
    .command('source-git')
    .description('keep a CentOS Stream source-git repository and its dist-git repository in sync (local, offline)');

  sourceGit
    .command('update-dist-git')
    .description('turn source-git commits since upstream_ref into dist-git patches; copy the spec and .distro/ files')
    .argument('<source-git>', 'the source-git repository (its HEAD is converted)')
    .argument('<dist-git>', 'the dist-git repository (its work tree is updated)')
    .option(
      '-m, --message <message>',
      'commit in dist-git with this message (a From-source-git-commit trailer is added)',
    )
    .option('-f, --force', 'convert even when dist-git has commits source-git does not have (they are overwritten)')
    .option('--json', 'print {"sourceGitCommit","specFile","patches","written","deleted","commit","warnings"}')
    .addHelpText(
      'after',
      '\nEvery commit of SOURCE_GIT between upstream_ref (.distro/source-git.yaml) and HEAD that\n' +
        'changes something outside .distro/ and patch_generation_ignore_paths becomes a patch\n' +
        '(git format-patch) in DIST_GIT; the .distro/ files are copied there (not source-git.yaml)\n' +
        "and the spec's Patch tags list exactly the patches, numbered from 1.\n" +
        'Patches follow the trailers of the commits: Patch-name, Patch-id, Patch-status,\n' +
        'Patch-present-in-specfile, Ignore-patch, No-prefix. Running it twice changes nothing.\n' +
        'Exit status: 0 converted, 2 bad input (not a repository, no upstream_ref, a patch that\n' +
        'does not apply, a spec without %prep, dist-git ahead of source-git).',
    )
    .action(
      action(
        async (sourceGitDir: string, distGitDir: string, opts: { message?: string; force?: boolean; json?: boolean }) =>
          (await import('./source-git.actions.js')).updateDistGitCommand(sourceGitDir, distGitDir, opts),
      ),
    );

  sourceGit
    .command('update-source-git')
    .description("bring dist-git's spec and packaging changes back into .distro/, one commit each")
    .argument('<dist-git>', 'the dist-git repository')
    .argument('<source-git>', 'the source-git repository (commits are added to its current branch)')
    .argument('[range]', 'dist-git commits to bring back (e.g. HEAD~2..); default: those after the last sync')
    .option('-f, --force', 'bring them back even when source-git has commits dist-git does not have')
    .option('--json', 'print {"commits":[{"distGit","sourceGit","subject","files"}]}')
    .addHelpText(
      'after',
      "\nChanges to patch files, the spec's Patch tags or the sources file belong in source-git:\n" +
        'such a range is refused as a whole, naming the commits and files.\n' +
        'Exit status: 0 done (or nothing to do), 2 refused or bad input.',
    )
    .action(
      action(
        async (
          distGitDir: string,
          sourceGitDir: string,
          range: string | undefined,
          opts: { force?: boolean; json?: boolean },
        ) => (await import('./source-git.actions.js')).updateSourceGitCommand(distGitDir, sourceGitDir, range, opts),
      ),
    );

  sourceGit
    .command('status')
    .description('whether the two are in sync, and which commits have no counterpart')
    .argument('<source-git>', 'the source-git repository')
    .argument('<dist-git>', 'the dist-git repository')
    .option('--json', 'print {"inSync","syncPoint","sourceGitOnly","distGitOnly"}')
    .addHelpText('after', '\nExit status: 0 in sync, 1 not in sync, 2 bad input.')
    .action(
      action(async (sourceGitDir: string, distGitDir: string, opts: { json?: boolean }) =>
        (await import('./source-git.actions.js')).statusCommand(sourceGitDir, distGitDir, opts),
      ),
    );
}
