// The git side of the fake Pagure: bare repositories in a temp directory, made, forked and
// merged with the git binary, reachable over file:// so the code under test pushes to them
// as it would push to src.fedoraproject.org.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { GIT_TEST_ENV } from '@packflow/testing';

export class FakeGitStore {
  readonly root = mkdtempSync(join(tmpdir(), 'fake-pagure-'));

  /** The bare repository of a project (`rpms/hello`) or of a fork (`forks/alice/rpms/hello`). */
  path(fullname: string): string {
    return join(this.root, `${fullname}.git`);
  }

  url(fullname: string): string {
    return `file://${this.path(fullname)}`;
  }

  git(fullname: string, ...args: string[]): string {
    return run(this.path(fullname), args);
  }

  /** A new bare repository with one commit of `files` on each branch. */
  create(fullname: string, branches: string[], files: Record<string, string>): void {
    const bare = this.path(fullname);
    mkdirSync(bare, { recursive: true });
    run(bare, ['init', '--quiet', '--bare', '-b', branches[0]]);
    const work = mkdtempSync(join(tmpdir(), 'fake-pagure-work-'));
    try {
      run(work, ['init', '--quiet', '-b', branches[0]]);
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(dirname(join(work, file)), { recursive: true });
        writeFileSync(join(work, file), content);
      }
      run(work, ['add', '-A']);
      run(work, ['commit', '--quiet', '--allow-empty', '-m', 'Initial import']);
      for (const branch of branches) run(work, ['push', '--quiet', bare, `HEAD:refs/heads/${branch}`]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  fork(from: string, to: string): void {
    mkdirSync(dirname(this.path(to)), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', this.path(from), this.path(to)], {
      env: gitEnv(),
      stdio: 'pipe',
    });
  }

  /** The commit a branch points at, or undefined. */
  head(fullname: string, branch: string): string | undefined {
    try {
      return (
        this.git(fullname, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`).trim() || undefined
      );
    } catch {
      return undefined;
    }
  }

  hasCommit(fullname: string, sha: string): boolean {
    try {
      this.git(fullname, 'cat-file', '-e', `${sha}^{commit}`);
      return true;
    } catch {
      return false;
    }
  }

  /** A file at a ref, or undefined. */
  show(fullname: string, ref: string, path: string): string | undefined {
    try {
      return this.git(fullname, 'show', `${ref}:${path}`);
    } catch {
      return undefined;
    }
  }

  /** Brings a fork branch's commits into the project repository under a temporary ref. */
  fetchInto(project: string, fork: string, branch: string, ref: string): string {
    this.git(project, 'fetch', '--quiet', this.path(fork), `+refs/heads/${branch}:${ref}`);
    return this.git(project, 'rev-parse', ref).trim();
  }

  /** Commits on `head` that `base` lacks, oldest first. */
  commitsBetween(fullname: string, base: string, head: string): string[] {
    return this.git(fullname, 'rev-list', '--reverse', `${base}..${head}`).split('\n').filter(Boolean);
  }

  /** Paths changed from the merge base of `base` and `head` to `head`, with renames' old paths. */
  diffstat(fullname: string, base: string, head: string): Record<string, { old_path: string | null; status: string }> {
    const out: Record<string, { old_path: string | null; status: string }> = {};
    const lines = this.git(fullname, 'diff', '--name-status', '-M', `${base}...${head}`).split('\n').filter(Boolean);
    for (const line of lines) {
      const [status, first, second] = line.split('\t');
      if (second) out[second] = { old_path: first, status: status[0] };
      else out[first] = { old_path: null, status: status[0] };
    }
    return out;
  }

  /** Fast-forwards (or merges) `branch` of the project to `sha`; returns the new head. */
  merge(fullname: string, branch: string, sha: string, message: string): string {
    const current = this.head(fullname, branch)!;
    const ff = this.git(fullname, 'merge-base', current, sha).trim() === current;
    let target = sha;
    if (!ff) {
      const tree = this.git(fullname, 'merge-tree', '--write-tree', current, sha).split('\n')[0].trim();
      target = this.git(fullname, 'commit-tree', tree, '-p', current, '-p', sha, '-m', message).trim();
    }
    this.git(fullname, 'update-ref', `refs/heads/${branch}`, target, current);
    return target;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...GIT_TEST_ENV, LC_ALL: 'C' };
}

function run(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
