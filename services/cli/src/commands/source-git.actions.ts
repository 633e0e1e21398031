// What `packflow source-git …` does (the CentOS Stream conversion on local repositories,
// offline), loaded only when such a command runs; source-git.command.ts registers them.
// They only parse arguments and print; the work is @packflow/source-git's, the same
// functions the stream worker calls.
import {
  GitRepository,
  readSourceGitConfig,
  syncStatus,
  updateDistGit,
  updateSourceGit,
  type CommitSummary,
} from '@packflow/source-git';
import { EXIT } from '../cli.errors.js';
import { resolveFromCaller } from './config.actions.js';

const short = (sha: string) => sha.slice(0, 12);
const listed = (commits: CommitSummary[]) => commits.map((c) => `  ${short(c.sha)} ${c.subject}\n`).join('');
const out = (text: string) => process.stdout.write(text);

export async function updateDistGitCommand(
  sourceGitDir: string,
  distGitDir: string,
  opts: { message?: string; force?: boolean; json?: boolean },
): Promise<number | void> {
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
  const changes = [...result.written.map((f) => `  wrote   ${f}\n`), ...result.deleted.map((f) => `  deleted ${f}\n`)];
  out(changes.length ? `${distGitDir}:\n${changes.join('')}` : `${distGitDir}: no file to change\n`);
  if (result.commit) out(`committed ${short(result.commit)} in ${distGitDir}\n`);
  else if (opts.message) out('nothing to commit\n');
}

export async function updateSourceGitCommand(
  distGitDir: string,
  sourceGitDir: string,
  range: string | undefined,
  opts: { force?: boolean; json?: boolean },
): Promise<number | void> {
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
}

export async function statusCommand(
  sourceGitDir: string,
  distGitDir: string,
  opts: { json?: boolean },
): Promise<number | void> {
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
}
