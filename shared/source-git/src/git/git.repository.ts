// One local git repository, driven through the git binary: the reads and writes that
// source-git/dist-git conversion (and dist-git work in general) needs, each one git
// command with machine-readable output (-z, NUL/record separators), never a porcelain
// text parse. Failures of git itself are GitCommandError; bad input is ValidationError.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ValidationError } from '@packflow/core';
import { git, gitBuffer, gitResult, gitResultBuffer, type GitRunOptions } from './git.runner.js';

/** Who a commit is by: name, email and (for the author of a replayed commit) its date. */
export interface GitIdentity {
  name: string;
  email: string;
  /** Git's raw date (`1700000000 +0100`); now when absent. */
  date?: string;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  author: Required<GitIdentity>;
  subject: string;
  /** The full message, trailers included. */
  message: string;
}

export interface TreeEntry {
  path: string;
  mode: string;
  sha: string;
}

/** A file a commit changed, compared with its first parent (renames as delete + add). */
export interface ChangedFile {
  status: 'A' | 'M' | 'D' | 'T';
  path: string;
}

export interface OpenOptions {
  /** Added to git's environment for every command (e.g. GIT_COMMITTER_NAME of a bot identity). */
  env?: Record<string, string>;
}

const FS = '\x1f';
const RS = '\x1e';
const LOG_FORMAT = ['%H', '%P', '%an', '%ae', '%ad', '%B'].join('%x1f') + '%x1e';

export class GitRepository {
  private constructor(
    /** The top-level directory of the work tree. */
    readonly dir: string,
    private readonly env: Record<string, string>,
  ) {}

  /** The repository whose top-level directory is `dir`; a clear error when there is none. */
  static async open(dir: string, options: OpenOptions = {}): Promise<GitRepository> {
    const path = resolve(dir);
    try {
      if (!(await stat(path)).isDirectory()) throw new ValidationError(`${dir} is not a directory`);
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      throw new ValidationError(`${dir} does not exist`);
    }
    const top = await gitResult(['rev-parse', '--show-toplevel'], { cwd: path, okCodes: [128] });
    if (top.exitCode !== 0) throw new ValidationError(`${dir} is not a git repository`);
    const [real, realTop] = await Promise.all([realpath(path), realpath(top.stdout.trim())]);
    if (real !== realTop) {
      throw new ValidationError(
        `${dir} is inside the git repository ${top.stdout.trim()}; give its top-level directory`,
      );
    }
    return new GitRepository(realTop, options.env ?? {});
  }

  /**
   * Clones `url` into `dir` (which must not exist or be empty). `branch` checks that
   * branch out; `depth` makes a shallow clone. Credentials in `url` never appear in errors.
   */
  static async clone(
    url: string,
    dir: string,
    options: OpenOptions & { branch?: string; depth?: number } = {},
  ): Promise<GitRepository> {
    const args = ['clone', '--quiet', '--no-tags'];
    if (options.branch) args.push('--branch', options.branch);
    if (options.depth) args.push('--depth', String(options.depth));
    args.push('--end-of-options', url, dir);
    await git(args, { cwd: dirname(resolve(dir)), env: options.env });
    return GitRepository.open(dir, options);
  }

  /** Fetches from a remote (name or URL); `refspecs` as git takes them (`main`, `+refs/heads/*:refs/remotes/fork/*`). */
  async fetch(remote: string, refspecs: readonly string[] = []): Promise<void> {
    await this.run(['fetch', '--quiet', '--end-of-options', remote, ...refspecs]);
  }

  /** Pushes refspecs (`HEAD:refs/heads/sync`) to a remote (name or URL); `force` for a rewritten branch. */
  async push(remote: string, refspecs: readonly string[], options: { force?: boolean } = {}): Promise<void> {
    const args = ['push', '--quiet', '--no-verify'];
    if (options.force) args.push('--force');
    await this.run([...args, '--end-of-options', remote, ...refspecs]);
  }

  /** Checks out `ref`; with `branch`, as that (new or reset) branch. */
  async checkout(ref: string, options: { branch?: string } = {}): Promise<void> {
    const args = options.branch ? ['checkout', '--quiet', '-B', options.branch, ref] : ['checkout', '--quiet', ref];
    await this.run([...args, '--']);
  }

  /** The checked-out branch, or undefined on a detached HEAD. */
  async currentBranch(): Promise<string | undefined> {
    const r = await gitResult(['symbolic-ref', '--quiet', '--short', 'HEAD'], this.opts({ okCodes: [1] }));
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Runs any git command in this repository (for what the methods below do not cover). */
  run(args: readonly string[], options: Omit<GitRunOptions, 'cwd'> = {}): Promise<string> {
    return git(args, this.opts(options));
  }

  runBuffer(args: readonly string[], options: Omit<GitRunOptions, 'cwd'> = {}): Promise<Buffer> {
    return gitBuffer(args, this.opts(options));
  }

  private opts(options: Omit<GitRunOptions, 'cwd'>): GitRunOptions {
    return { ...options, cwd: this.dir, env: { ...this.env, ...options.env } };
  }

  /** The commit `ref` names, or undefined when it names none. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    const r = await gitResult(
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
      this.opts({ okCodes: [1, 128] }),
    );
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** HEAD's commit; a clear error for a repository without commits. */
  async head(): Promise<string> {
    const sha = await this.resolveCommit('HEAD');
    if (!sha) throw new ValidationError(`${this.dir} has no commits`);
    return sha;
  }

  /** Whether `ancestor` is in the history of `descendant` (a commit is its own ancestor). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await gitResult(['merge-base', '--is-ancestor', ancestor, descendant], this.opts({ okCodes: [1] }));
    return r.exitCode === 0;
  }

  /** Commits of a revision range (`a..b`, or more arguments), oldest first unless `newestFirst`. */
  async log(
    revisions: readonly string[],
    options: { paths?: readonly string[]; newestFirst?: boolean; grep?: string; maxCount?: number } = {},
  ): Promise<CommitInfo[]> {
    const args = ['log', `--format=${LOG_FORMAT}`, '--date=raw'];
    if (!options.newestFirst) args.push('--reverse');
    if (options.grep) args.push('-E', `--grep=${options.grep}`);
    if (options.maxCount !== undefined) args.push(`--max-count=${options.maxCount}`);
    args.push('--end-of-options', ...revisions, '--', ...(options.paths ?? []));
    const out = await this.run(args);
    return out
      .split(RS)
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r.length > 0)
      .map((record) => {
        const [sha, parents, name, email, date, message] = record.split(FS);
        return {
          sha,
          parents: parents ? parents.split(' ') : [],
          author: { name, email, date },
          subject: message.split('\n', 1)[0],
          message: message.replace(/\n+$/, '\n'),
        };
      });
  }

  /** One commit. */
  async commit(ref: string): Promise<CommitInfo> {
    const [info] = await this.log([ref], { maxCount: 1, newestFirst: true });
    return info;
  }

  /** The values of one trailer of a commit message (`From-source-git-commit`, …), as git parses trailers. */
  async trailerValues(ref: string, key: string): Promise<string[]> {
    const out = await this.run(['log', '-1', `--format=%(trailers:key=${key},valueonly,unfold)`, ref, '--']);
    return out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  }

  /** The trailer lines of a message, as `git interpret-trailers` finds them (continuation lines kept). */
  async trailersOf(message: string): Promise<string> {
    return this.run(['interpret-trailers', '--only-input', '--only-trailers'], { input: message });
  }

  /** A message with trailers added after any it already has. */
  async withTrailers(message: string, trailers: ReadonlyArray<readonly [string, string]>): Promise<string> {
    const args = ['interpret-trailers', '--if-exists', 'addIfDifferent'];
    for (const [key, value] of trailers) args.push('--trailer', `${key}: ${value}`);
    return this.run(args, { input: message.endsWith('\n') ? message : `${message}\n` });
  }

  /** Files (blobs) of a tree, optionally under one directory; paths are from the top of the repository. */
  async listFiles(ref: string, under?: string): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-r', '-z', '--full-tree', ref];
    if (under) args.push('--', under);
    const out = await this.run(args);
    return out
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf('\t');
        const [mode, type, sha] = line.slice(0, tab).split(' ');
        return { mode, type, sha, path: line.slice(tab + 1) };
      })
      .filter((e) => e.type === 'blob')
      .map(({ mode, sha, path }) => ({ mode, sha, path }));
  }

  /** The content of a file at a commit, or undefined when it has no such file. */
  async readFile(ref: string, path: string): Promise<Buffer | undefined> {
    const entry = (await this.listFiles(ref, path)).find((e) => e.path === path);
    return entry ? this.readBlob(entry.sha) : undefined;
  }

  readBlob(sha: string): Promise<Buffer> {
    return this.runBuffer(['cat-file', 'blob', sha]);
  }

  /** Files in the index (tracked), from the top of the repository. */
  async trackedFiles(): Promise<string[]> {
    return (await this.run(['ls-files', '-z'])).split('\0').filter(Boolean);
  }

  /** Paths with uncommitted changes (staged, unstaged or untracked), optionally limited to `paths`. */
  async changedPaths(paths: readonly string[] = []): Promise<string[]> {
    const out = await this.run(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths]);
    const entries = out.split('\0');
    const changed: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (!e) continue;
      changed.push(e.slice(3));
      if (e[0] === 'R' || e[0] === 'C') i++; // the rename's source follows
    }
    return changed;
  }

  /** The files a commit changed compared with its first parent (all of them for a root commit). */
  async changedFiles(commit: string): Promise<ChangedFile[]> {
    const out = await this.run([
      'diff-tree',
      '-r',
      '-z',
      '--root',
      '--no-renames',
      '--no-commit-id',
      '--name-status',
      commit,
    ]);
    const parts = out.split('\0').filter(Boolean);
    const files: ChangedFile[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      files.push({ status: parts[i][0] as ChangedFile['status'], path: parts[i + 1] });
    }
    return files;
  }

  /** Stages every change (additions, edits, deletions) of `paths`. */
  async add(paths: readonly string[]): Promise<void> {
    if (paths.length) await this.run(['add', '-A', '--', ...paths]);
  }

  /**
   * Commits what is staged, the message kept as written (lines starting with `#` too).
   * `author` replays another commit's author; the committer comes from the environment.
   */
  async commitStaged(message: string, options: { author?: GitIdentity; allowEmpty?: boolean } = {}): Promise<string> {
    const env: Record<string, string> = {};
    if (options.author) {
      env.GIT_AUTHOR_NAME = options.author.name;
      env.GIT_AUTHOR_EMAIL = options.author.email;
      if (options.author.date) env.GIT_AUTHOR_DATE = options.author.date;
    }
    const args = ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-F', '-'];
    if (options.allowEmpty) args.push('--allow-empty');
    await this.run(args, { input: message, env });
    return this.head();
  }

  /** Whether the index differs from HEAD. */
  async hasStagedChanges(): Promise<boolean> {
    const r = await gitResult(['diff', '--cached', '--quiet'], this.opts({ okCodes: [1] }));
    return r.exitCode === 1;
  }

  /**
   * `git format-patch` of a range into `outDir`, limited to `pathspec`; returns the files
   * it wrote, in commit order.
   */
  async formatPatch(
    range: string,
    outDir: string,
    pathspec: readonly string[],
    options: { noPrefix?: boolean } = {},
  ): Promise<string[]> {
    const args = ['format-patch', '--output-directory', outDir];
    if (options.noPrefix) args.push('--no-prefix');
    args.push(range, '--', ...pathspec);
    return (await this.run(args)).split('\n').filter(Boolean);
  }

  /** `git patch-id --stable` of a patch (of each, space-separated, for several in one file): equal ids mean the same change, whatever the headers say. */
  async patchId(patch: Buffer | string): Promise<string | undefined> {
    const out = await this.run(['patch-id', '--stable'], { input: patch });
    const ids = out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ', 1)[0]);
    return ids.length ? ids.join(' ') : undefined;
  }

  /**
   * Three-way merge of one file (`git merge-file`): the change from `base` to `other`
   * applied to `current`. `conflicts` is how many hunks could not be merged.
   */
  async mergeFile(current: Buffer, base: Buffer, other: Buffer): Promise<{ content: Buffer; conflicts: number }> {
    const dir = await mkdtemp(join(tmpdir(), 'packflow-merge-file-'));
    try {
      const [c, b, o] = ['current', 'base', 'other'].map((n) => join(dir, n));
      await Promise.all([writeFile(c, current), writeFile(b, base), writeFile(o, other)]);
      const codes = Array.from({ length: 127 }, (_, i) => i + 1);
      const r = await gitResultBuffer(['merge-file', '-p', '--quiet', c, b, o], this.opts({ okCodes: codes }));
      return { content: r.stdout, conflicts: r.exitCode };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /**
   * Applies patches one after another onto `base` in a scratch index (the work tree and
   * the real index are untouched). Returns the first that fails, with git's message.
   */
  async firstPatchThatDoesNotApply(
    base: string,
    patches: ReadonlyArray<{ file: string; strip: number }>,
  ): Promise<{ index: number; message: string } | undefined> {
    const dir = await mkdtemp(join(tmpdir(), 'packflow-apply-'));
    const env = { GIT_INDEX_FILE: join(dir, 'index') };
    try {
      await this.run(['read-tree', base], { env });
      for (let i = 0; i < patches.length; i++) {
        const r = await gitResult(
          ['apply', '--cached', `-p${patches[i].strip}`, patches[i].file],
          this.opts({ env, okCodes: [1, 128] }),
        );
        if (r.exitCode !== 0) return { index: i, message: r.stderr.trim().split('\n').slice(0, 3).join(' / ') };
      }
      return undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
