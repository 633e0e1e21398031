// source-git -> dist-git: what `packflow source-git update-dist-git` does, as a function
// the stream worker calls too. Dist-git ends up with the `.distro/` files of source-git's
// HEAD (not source-git.yaml), one patch file per downstream change and a spec whose Patch
// tags list exactly those patches. A patch whose change equals the file already committed
// (same `git patch-id`) keeps that file, so a rebase that changes nothing changes nothing.
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ValidationError } from '@packflow/core';
import { GitRepository, type GitIdentity } from '../git/git.repository.js';
import { RpmSpec } from '../spec/rpm-spec.editor.js';
import { describeCommit, generatePatches, type GeneratedPatch } from './patch.generator.js';
import { FROM_SOURCE_GIT } from './patch-trailers.js';
import { DISTRO_DIR, SOURCE_GIT_CONFIG, readSourceGitConfig } from './source-git.config.js';
import { syncStatus, type SyncStatus } from './sync.status.js';

export interface UpdateDistGitOptions {
  /** Commit the result in dist-git with this message (a From-source-git-commit trailer is added). */
  message?: string;
  /** Convert even when dist-git has commits source-git lacks (they are overwritten). */
  force?: boolean;
  /**
   * Author and committer of the dist-git commit; else git's configuration and environment.
   * With a `date`, both dates are it, so converting the same commits again makes the same commit.
   */
  identity?: GitIdentity;
}

export interface UpdateDistGitResult {
  /** The source-git commit converted (its HEAD). */
  sourceGitCommit: string;
  /** The spec file in dist-git. */
  specFile: string;
  patches: Array<Omit<GeneratedPatch, 'content'>>;
  /** Dist-git files written (added or changed) and deleted by this run. */
  written: string[];
  deleted: string[];
  /** The dist-git commit made (with `message`), null when none was needed or asked for. */
  commit: string | null;
  warnings: string[];
}

/** Dist-git files a conversion never touches: the lookaside `sources` list and git's own files. */
export function isProtectedDistGitFile(path: string): boolean {
  return path === 'sources' || basename(path).startsWith('.git');
}

function identityEnv(identity?: GitIdentity): Record<string, string> {
  if (!identity) return {};
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
    // A given date makes the commit reproducible: the same conversion gives the same sha.
    ...(identity.date ? { GIT_AUTHOR_DATE: identity.date, GIT_COMMITTER_DATE: identity.date } : {}),
  };
}

export async function updateDistGit(
  sourceGitDir: string,
  distGitDir: string,
  options: UpdateDistGitOptions = {},
): Promise<UpdateDistGitResult> {
  const sg = await GitRepository.open(sourceGitDir);
  const dg = await GitRepository.open(distGitDir, { env: identityEnv(options.identity) });
  const config = await readSourceGitConfig(sg);
  const head = await sg.head();

  const specText = await sg.readFile(head, config.specfilePath);
  if (!specText) {
    throw new ValidationError(`${sg.dir}: the spec file ${config.specfilePath} (specfile_path) is not in HEAD`);
  }
  const spec = new RpmSpec(specText.toString('utf8'), `${sg.dir}/${config.specfilePath}`);
  if (!spec.hasPrep()) throw new ValidationError(`${spec.file} has no %prep section, so it cannot apply patches`);

  const { upstream, patches, warnings } = await generatePatches(sg, config, head, spec);
  const status = await checkedStatus(sg, dg, upstream, options.force ?? false);
  if (patches.length && !spec.appliesPatchesAutomatically()) {
    warnings.push(`${spec.file}: %prep has no %autosetup or %autopatch, so the Patch tags written may not be applied`);
  }

  // What dist-git should hold: path -> content (and whether executable).
  const target = new Map<string, { content: Buffer; executable: boolean; from: string }>();
  const specFile = basename(config.specfilePath);
  for (const entry of await sg.listFiles(head, DISTRO_DIR)) {
    if (entry.path === SOURCE_GIT_CONFIG || entry.path === config.specfilePath) continue;
    if (basename(entry.path) === '.gitignore') continue; // source-git's own (Packit resets it there)
    const path = entry.path.slice(DISTRO_DIR.length + 1);
    if (isProtectedDistGitFile(path)) continue;
    target.set(path, { content: await sg.readBlob(entry.sha), executable: entry.mode === '100755', from: entry.path });
  }
  const kept = new Set(patches.filter((p) => p.presentInSpecfile).map((p) => p.file));
  const added = patches.filter((p) => !p.presentInSpecfile);
  const newSpec = spec.withPatches(added, kept, config.patchIdDigits);
  target.set(specFile, { content: Buffer.from(newSpec.toString()), executable: false, from: config.specfilePath });

  const distHead = await dg.resolveCommit('HEAD');
  for (const patch of patches) {
    const clash = target.get(patch.file);
    if (clash || isProtectedDistGitFile(patch.file)) {
      throw new ValidationError(
        `the patch ${patch.file} of ${patch.commits.map((c) => c.slice(0, 12)).join(', ')} has the name of ` +
          `${clash ? clash.from : `dist-git's ${patch.file}`}; give it another Patch-name`,
      );
    }
    target.set(patch.file, { content: await sameChangeAsCommitted(dg, distHead, patch), executable: false, from: '' });
  }

  if (options.message && (await dg.hasStagedChanges())) {
    throw new ValidationError(`${dg.dir} has staged changes; commit or unstage them before converting with a message`);
  }

  const written: string[] = [];
  for (const [path, file] of target) {
    const full = join(dg.dir, path);
    const current = await readFile(full).catch(() => undefined);
    if (current && current.equals(file.content)) continue;
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, file.content);
    if (file.executable) await chmod(full, 0o755);
    written.push(path);
  }
  const deleted: string[] = [];
  for (const path of await dg.trackedFiles()) {
    if (target.has(path) || isProtectedDistGitFile(path)) continue;
    await rm(join(dg.dir, path), { force: true });
    deleted.push(path);
  }

  let commit: string | null = null;
  if (options.message) {
    await dg.add([...target.keys(), ...deleted]);
    // Without changes a commit is still made when source-git has commits after the sync
    // point (say, only .distro/source-git.yaml changed): it records the new sync point.
    const behind = status.syncPoint === null || status.sourceGitOnly.length > 0;
    if ((await dg.hasStagedChanges()) || behind) {
      const message = await dg.withTrailers(options.message, [[FROM_SOURCE_GIT, head]]);
      commit = await dg.commitStaged(message, { allowEmpty: true });
    }
  }

  return {
    sourceGitCommit: head,
    specFile,
    patches: patches.map(({ content: _content, ...rest }) => rest),
    written: written.sort(),
    deleted: deleted.sort(),
    commit,
    warnings,
  };
}

/** The sync status, refusing (unless forced) when dist-git has commits source-git lacks. */
async function checkedStatus(
  sg: GitRepository,
  dg: GitRepository,
  upstream: string,
  force: boolean,
): Promise<SyncStatus> {
  let status: SyncStatus;
  try {
    status = await syncStatus(sg, dg, upstream);
  } catch (error) {
    if (force) return { inSync: false, syncPoint: null, sourceGitOnly: [], distGitOnly: [] };
    throw error;
  }
  if (!force && status.syncPoint && status.distGitOnly.length) {
    throw new ValidationError(
      `${dg.dir} has ${status.distGitOnly.length} commit(s) source-git does not have ` +
        `(${status.distGitOnly.map(describeCommit).join(', ')}); bring them back with update-source-git ` +
        `first, or convert anyway with --force (they are overwritten)`,
    );
  }
  return status;
}

/** The committed file when it holds the same change (`git patch-id`), else the new patch. */
async function sameChangeAsCommitted(dg: GitRepository, distHead: string | undefined, patch: GeneratedPatch) {
  if (!distHead) return patch.content;
  const old = await dg.readFile(distHead, patch.file);
  if (!old || old.equals(patch.content)) return patch.content;
  const [a, b] = await Promise.all([dg.patchId(old), dg.patchId(patch.content)]);
  return a !== undefined && a === b ? old : patch.content;
}
