// `packflow source-git …`: the CentOS Stream conversion on local repositories, offline.
// The commands only parse arguments and print; the work is @packflow/source-git's, the
// same functions the stream worker calls.
import type { Command } from 'commander';
import {
  GitRepository,
  readSourceGitConfig,
  syncStatus,
  updateDistGit,
  updateSourceGit,
  type CommitSummary,
} from '@packflow/source-git';
import { EXIT, action } from '../cli.errors.js';
import { resolveFromCaller } from './config.command.js';

const short = (sha: string) => sha.slice(0, 12);
const listed = (commits: CommitSummary[]) => commits.map((c) => `  ${short(c.sha)} ${c.subject}\n`).join('');
const out = (text: string) => process.stdout.write(text);

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
        async (
          sourceGitDir: string,
          distGitDir: string,
          opts: { message?: string; force?: boolean; json?: boolean },
        ) => {
          const result = await updateDistGit(resolveFromCaller(sourceGitDir), resolveFromCaller(distGitDir), {
            message: opts.message,
            force: opts.force,
          });
          if (opts.json) {
            out(`${JSON.stringify(result)}\n`);
            return EXIT.ok;
          }
          for (const w of result.warnings) process.stderr.write(`packflow: warning: ${w}\n`);
          for (const p of result.patches) {
            out(
              `Patch${p.number}: ${p.file} (${p.commits.map(short).join(', ')})${p.presentInSpecfile ? ' already in the spec' : ''}\n`,
            );
          }
          const changes = [
            ...result.written.map((f) => `  wrote   ${f}\n`),
            ...result.deleted.map((f) => `  deleted ${f}\n`),
          ];
          out(changes.length ? `${distGitDir}:\n${changes.join('')}` : `${distGitDir}: no file to change\n`);
          if (result.commit) out(`committed ${short(result.commit)} in ${distGitDir}\n`);
          else if (opts.message) out('nothing to commit\n');
        },
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
        ) => {
          const result = await updateSourceGit(resolveFromCaller(distGitDir), resolveFromCaller(sourceGitDir), {
            range,
            force: opts.force,
          });
          if (opts.json) {
            out(`${JSON.stringify(result)}\n`);
            return EXIT.ok;
          }
          if (!result.commits.length) out(`${sourceGitDir}: nothing to bring back from ${distGitDir}\n`);
          for (const c of result.commits) {
            out(
              `${short(c.distGit)} -> ${short(c.sourceGit)} ${c.subject}${c.files.length ? ` (${c.files.join(', ')})` : ' (no change)'}\n`,
            );
          }
        },
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
      action(async (sourceGitDir: string, distGitDir: string, opts: { json?: boolean }) => {
        const sg = await GitRepository.open(resolveFromCaller(sourceGitDir));
        const dg = await GitRepository.open(resolveFromCaller(distGitDir));
        const config = await readSourceGitConfig(sg);
        const status = await syncStatus(sg, dg, await sg.resolveCommit(config.upstreamRef));
        if (opts.json) {
          out(`${JSON.stringify(status)}\n`);
          return status.inSync ? EXIT.ok : EXIT.failed;
        }
        if (status.syncPoint) {
          const p = status.syncPoint;
          out(`last sync: source-git ${short(p.sourceGit)} = dist-git ${short(p.distGit)}\n`);
        } else {
          out('never synced: neither repository has a From-source-git-commit / From-dist-git-commit trailer\n');
        }
        if (status.inSync) {
          out(`${sourceGitDir} and ${distGitDir} are in sync\n`);
          return EXIT.ok;
        }
        out(`${sourceGitDir} and ${distGitDir} are not in sync\n`);
        if (status.sourceGitOnly.length) {
          out(`source-git commits dist-git does not have (update-dist-git):\n${listed(status.sourceGitOnly)}`);
        }
        if (status.distGitOnly.length) {
          out(`dist-git commits source-git does not have (update-source-git):\n${listed(status.distGitOnly)}`);
        }
        return EXIT.failed;
      }),
    );
}
