// Turns the downstream commits of a source-git repository (upstream_ref..HEAD, changes
// outside the ignored paths) into the patch files and Patch tags of dist-git, the way
// Packit does: `git format-patch`, trailers for names, numbers and comments, adjacent
// commits with one Patch-name in one file. Before anything is written, every patch is
// applied in order onto upstream_ref in a scratch index, so a patch rpmbuild could not
// apply is an error naming its commit, not a broken dist-git.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ValidationError } from '@packflow/core';
import type { CommitInfo, GitRepository } from '../git/git.repository.js';
import { commentLines, type RpmSpec } from '../spec/rpm-spec.editor.js';
import { messageWithoutTrailers, parsePatchTrailers, type PatchTrailers } from './patch-trailers.js';
import type { SourceGitConfig } from './source-git.config.js';

/** One patch file of dist-git and where it came from. */
export interface GeneratedPatch {
  /** File name in dist-git (next to the spec file). */
  file: string;
  content: Buffer;
  /** The source-git commits in it, oldest first (several when they share a Patch-name). */
  commits: string[];
  /** Number of its Patch tag. */
  number: number;
  /** Comment lines above its Patch tag (Patch-status, else the commit message). */
  comment: string[];
  /** The spec already has its Patch tag (Patch-present-in-specfile), which is kept as written. */
  presentInSpecfile: boolean;
}

interface CommitPatch {
  commit: CommitInfo;
  trailers: PatchTrailers;
  /** The commit's trailer block as git finds it (all trailers, Signed-off-by too). */
  trailerBlock: string;
  name: string;
  content: Buffer;
  /** The format-patch file, for the apply check. */
  path: string;
}

export function describeCommit(c: Pick<CommitInfo, 'sha' | 'subject'>): string {
  return `commit ${c.sha.slice(0, 12)} ("${c.subject}")`;
}

/** The commit `upstream_ref` names, checked to be in the history of `head`. */
export async function resolveUpstreamRef(repo: GitRepository, config: SourceGitConfig, head: string): Promise<string> {
  const sha = await repo.resolveCommit(config.upstreamRef);
  if (!sha) {
    throw new ValidationError(
      `upstream_ref "${config.upstreamRef}" (.distro/source-git.yaml) names no commit in ${repo.dir}; fetch its tags?`,
    );
  }
  if (!(await repo.isAncestor(sha, head))) {
    throw new ValidationError(
      `upstream_ref "${config.upstreamRef}" (${sha.slice(0, 12)}) is not in the history of HEAD in ${repo.dir}`,
    );
  }
  return sha;
}

export async function generatePatches(
  repo: GitRepository,
  config: SourceGitConfig,
  head: string,
  spec: RpmSpec,
): Promise<{ upstream: string; patches: GeneratedPatch[]; warnings: string[] }> {
  const upstream = await resolveUpstreamRef(repo, config, head);
  const range = `${upstream}..${head}`;
  const commits = await repo.log([range]);
  const merge = commits.find((c) => c.parents.length > 1);
  if (merge) {
    throw new ValidationError(
      `${describeCommit(merge)} is a merge; the downstream commits on top of upstream_ref must be linear (rebase them)`,
    );
  }
  const bySha = new Map(commits.map((c) => [c.sha, c]));
  const pathspec = ['.', ...config.ignorePaths.map((p) => `:(exclude)${p}`)];

  const dir = await mkdtemp(join(tmpdir(), 'packflow-patches-'));
  try {
    const files = await repo.formatPatch(range, dir, pathspec);
    const made: CommitPatch[] = [];
    for (const path of files) {
      const content = await readFile(path);
      const sha = /^From ([0-9a-f]{40,64}) /.exec(content.toString('latin1'))?.[1];
      const commit = sha ? bySha.get(sha) : undefined;
      if (!commit) throw new ValidationError(`git format-patch wrote ${basename(path)} for no commit of ${range}`);
      const trailerBlock = await repo.trailersOf(commit.message);
      const trailers = parsePatchTrailers(trailerBlock, describeCommit(commit));
      if (trailers.ignore) continue;
      let patch = { path, content };
      if (trailers.noPrefix) {
        const [again] = await repo.formatPatch(`${sha}~1..${sha}`, join(dir, 'no-prefix'), pathspec, {
          noPrefix: true,
        });
        patch = { path: again, content: await readFile(again) };
      }
      made.push({ commit, trailers, trailerBlock, name: trailers.name ?? basename(path), ...patch });
    }

    const failed = await repo.firstPatchThatDoesNotApply(
      upstream,
      made.map((p) => ({ file: p.path, strip: p.trailers.noPrefix ? 0 : 1 })),
    );
    if (failed) {
      const p = made[failed.index];
      throw new ValidationError(
        `the patch of ${describeCommit(p.commit)} does not apply on upstream_ref "${config.upstreamRef}" ` +
          `with the patches before it: ${failed.message}`,
      );
    }

    const groups = mergeByName(made);
    return { upstream, ...number(groups, spec) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Adjacent patches with the same name become one file; the same name apart is an error. */
function mergeByName(patches: CommitPatch[]): CommitPatch[][] {
  const groups: CommitPatch[][] = [];
  const seen = new Map<string, CommitPatch>();
  for (const p of patches) {
    const last = groups[groups.length - 1];
    if (last && last[0].name === p.name) {
      last.push(p);
      continue;
    }
    const earlier = seen.get(p.name);
    if (earlier) {
      throw new ValidationError(
        `${describeCommit(p.commit)} and ${describeCommit(earlier.commit)} both have Patch-name ${p.name} ` +
          `but are not adjacent; only adjacent commits can share a patch file`,
      );
    }
    seen.set(p.name, p);
    groups.push([p]);
  }
  return groups;
}

/**
 * Patch tag numbers: the existing tag's for a patch present in the spec, else its first
 * commit's Patch-id, else one more than the previous patch's (the first is 1). Numbers
 * must rise in commit order: %autosetup applies patches by number.
 */
function number(groups: CommitPatch[][], spec: RpmSpec): { patches: GeneratedPatch[]; warnings: string[] } {
  const tags = spec.patchTags();
  const warnings: string[] = [];
  const patches: GeneratedPatch[] = [];
  let previous = 0;
  for (const group of groups) {
    const first = group[0];
    let present = first.trailers.presentInSpecfile;
    const tag = present ? tags.find((t) => t.file === first.name && t.number !== null) : undefined;
    if (present && !tag) {
      warnings.push(
        `${describeCommit(first.commit)} says Patch-present-in-specfile but ${spec.file} has no numbered Patch tag for ${first.name}; it is added`,
      );
      present = false;
    }
    const n = tag ? tag.number! : (first.trailers.id ?? previous + 1);
    if (n <= previous && patches.length) {
      throw new ValidationError(
        `${describeCommit(first.commit)}: patch ${first.name} would be Patch${n}, not above the previous patch's ${previous}; ` +
          `patches are applied by number, so reorder the commits instead of their Patch-id`,
      );
    }
    previous = n;
    patches.push({
      file: first.name,
      content: Buffer.concat(group.map((p) => p.content)),
      commits: group.map((p) => p.commit.sha),
      number: n,
      comment: commentLines(first.trailers.status ?? messageWithoutTrailers(first.commit.message, first.trailerBlock)),
      presentInSpecfile: present,
    });
  }
  return { patches, warnings };
}
