// dist-git -> source-git: what `packflow source-git update-source-git` does. Each dist-git
// commit (a provenpackager's release bump, a changelog entry) becomes one source-git commit
// changing `.distro/`, with the same message and author and a From-dist-git-commit
// trailer. A change is carried over with `git merge-file` (dist-git's file before and after
// the commit, merged into the `.distro/` file), so the Patch tags only dist-git's spec has
// do not get in the way. Changes to patches or to `sources` are code changes: refused.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '@packflow/core';
import { GitCommandError } from '../git/git.runner.js';
import { GitRepository, type CommitInfo, type GitIdentity } from '../git/git.repository.js';
import { RpmSpec } from '../spec/rpm-spec.editor.js';
import { describeCommit } from './patch.generator.js';
import { FROM_DIST_GIT } from './patch-trailers.js';
import { DISTRO_DIR, SOURCE_GIT_CONFIG, readSourceGitConfig, type SourceGitConfig } from './source-git.config.js';
import { syncStatus } from './sync.status.js';

export interface UpdateSourceGitOptions {
  /** Dist-git revision range to bring back (`HEAD~2..`); default: the commits after the sync point. */
  range?: string;
  /** Skip the check that source-git has no commits dist-git lacks. */
  force?: boolean;
  /** Committer of the source-git commits (authors are kept from dist-git). */
  identity?: GitIdentity;
}

export interface UpdateSourceGitResult {
  /** One per dist-git commit brought back, oldest first. */
  commits: Array<{ distGit: string; sourceGit: string; subject: string; files: string[] }>;
}

/** The dist-git commits of a range change patches or `sources`; `offending` names them and their files. */
export class SyncRefusedError extends ValidationError {
  constructor(readonly offending: Array<{ commit: string; subject: string; files: string[] }>) {
    super(
      `dist-git changes that belong in source-git (patches or the sources file), so nothing was brought back: ` +
        offending
          .map((o) => `${describeCommit({ sha: o.commit, subject: o.subject })}: ${o.files.join(', ')}`)
          .join('; '),
      { offending },
    );
  }
}

export async function updateSourceGit(
  distGitDir: string,
  sourceGitDir: string,
  options: UpdateSourceGitOptions = {},
): Promise<UpdateSourceGitResult> {
  const dg = await GitRepository.open(distGitDir);
  const env: Record<string, string> = options.identity
    ? { GIT_COMMITTER_NAME: options.identity.name, GIT_COMMITTER_EMAIL: options.identity.email }
    : {};
  const sg = await GitRepository.open(sourceGitDir, { env });
  const config = await readSourceGitConfig(sg);
  const commits = await commitsToBringBack(sg, dg, config, options);
  if (!commits.length) return { commits: [] };

  const merge = commits.find((c) => c.parents.length > 1);
  if (merge) throw new ValidationError(`${describeCommit(merge)} in ${dg.dir} is a merge; give a range without merges`);
  const specFile = basename(config.specfilePath);
  await refuseCodeChanges(dg, commits, specFile);

  const dirty = await sg.changedPaths([DISTRO_DIR, config.specfilePath]);
  if (dirty.length) {
    throw new ValidationError(`${sg.dir} has uncommitted changes in ${dirty.join(', ')}; commit or drop them first`);
  }

  const made: UpdateSourceGitResult['commits'] = [];
  for (const commit of commits) {
    try {
      const files = await carryOver(dg, sg, commit, (path) =>
        path === specFile ? config.specfilePath : `${DISTRO_DIR}/${path}`,
      );
      await sg.add(files);
      const message = await sg.withTrailers(commit.message, [[FROM_DIST_GIT, commit.sha]]);
      const sha = await sg.commitStaged(message, { author: commit.author, allowEmpty: true });
      made.push({ distGit: commit.sha, sourceGit: sha, subject: commit.subject, files });
    } catch (error) {
      // Leave .distro/ as the last commit made (it was clean when we started).
      await sg.run(['checkout', 'HEAD', '--', DISTRO_DIR]).catch(() => undefined);
      await sg.run(['clean', '-fdq', '--', DISTRO_DIR]).catch(() => undefined);
      throw error;
    }
  }
  return { commits: made };
}

async function commitsToBringBack(
  sg: GitRepository,
  dg: GitRepository,
  config: SourceGitConfig,
  options: UpdateSourceGitOptions,
): Promise<CommitInfo[]> {
  const upstream = await sg.resolveCommit(config.upstreamRef);
  const status = options.force && options.range ? undefined : await syncStatus(sg, dg, upstream);
  if (status && !options.force && status.syncPoint && status.sourceGitOnly.length) {
    throw new ValidationError(
      `${sg.dir} has ${status.sourceGitOnly.length} commit(s) dist-git does not have ` +
        `(${status.sourceGitOnly.map(describeCommit).join(', ')}); convert them with update-dist-git first, ` +
        `or bring dist-git's back anyway with --force`,
    );
  }
  if (options.range) {
    try {
      return await dg.log([options.range]);
    } catch (error) {
      if (error instanceof GitCommandError) {
        throw new ValidationError(
          `"${options.range}" is not a revision range of ${dg.dir}: ${error.stderr.trim().split('\n')[0]}`,
        );
      }
      throw error;
    }
  }
  if (!status?.syncPoint) {
    throw new ValidationError(
      `neither ${sg.dir} nor ${dg.dir} has a ${FROM_DIST_GIT} / From-source-git-commit trailer to start from; give a RANGE`,
    );
  }
  return dg.log([`${status.syncPoint.distGit}..HEAD`]);
}

/** Patch files (and the spec's Patch tags) and `sources` are not brought back: list every commit touching them. */
async function refuseCodeChanges(dg: GitRepository, commits: CommitInfo[], specFile: string): Promise<void> {
  const offending: SyncRefusedError['offending'] = [];
  for (const commit of commits) {
    const files = await dg.changedFiles(commit.sha);
    const before = await patchTags(dg, commit.parents[0], specFile);
    const after = await patchTags(dg, commit.sha, specFile);
    const patchFiles = new Set([...before, ...after].map((t) => t.split(' ')[1]));
    const bad = files.map((f) => f.path).filter((p) => p === 'sources' || p.endsWith('.patch') || patchFiles.has(p));
    if (files.some((f) => f.path === specFile) && before.join('\n') !== after.join('\n')) {
      bad.push(`${specFile} (its Patch tags)`);
    }
    if (bad.length) offending.push({ commit: commit.sha, subject: commit.subject, files: bad });
  }
  if (offending.length) throw new SyncRefusedError(offending);
}

/** `<number> <file>` of each Patch tag of the spec at a commit (none without a spec or commit). */
async function patchTags(dg: GitRepository, ref: string | undefined, specFile: string): Promise<string[]> {
  if (!ref) return [];
  const text = await dg.readFile(ref, specFile);
  if (!text) return [];
  return new RpmSpec(text.toString('utf8'), specFile).patchTags().map((t) => `${t.number ?? ''} ${t.file}`);
}

/** Applies one dist-git commit's changes to the source-git work tree; returns the paths touched. */
async function carryOver(
  dg: GitRepository,
  sg: GitRepository,
  commit: CommitInfo,
  toSourceGit: (distGitPath: string) => string,
): Promise<string[]> {
  const touched: string[] = [];
  for (const { status, path } of await dg.changedFiles(commit.sha)) {
    if (basename(path).startsWith('.git')) continue; // dist-git's own .gitignore: source-git keeps its own
    const target = toSourceGit(path);
    if (target === SOURCE_GIT_CONFIG) continue;
    const full = join(sg.dir, target);
    const current = await readFile(full).catch(() => undefined);
    const where = `${describeCommit(commit)} of ${dg.dir}`;
    if (status === 'D') {
      if (!current) continue;
      await rm(full);
    } else {
      const other = (await dg.readFile(commit.sha, path))!;
      const base = commit.parents[0] ? await dg.readFile(commit.parents[0], path) : undefined;
      let content: Buffer;
      if (current === undefined) {
        if (status !== 'A')
          throw new ValidationError(`${where} changes ${path}, which source-git does not have (${target})`);
        content = other;
      } else if (status === 'A' || !base) {
        if (!current.equals(other))
          throw new ValidationError(`${where} adds ${path}, but source-git has a different ${target}`);
        content = other;
      } else {
        const merged = await sg.mergeFile(current, base, other);
        if (merged.conflicts) {
          throw new ValidationError(
            `${where}: its change to ${path} does not merge into ${target} (${merged.conflicts} conflict(s))`,
          );
        }
        content = merged.content;
      }
      if (!current?.equals(content)) {
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, content);
      }
    }
    touched.push(target);
  }
  return touched;
}
