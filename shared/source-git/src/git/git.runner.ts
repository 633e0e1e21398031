// Runs the `git` binary (execFile, never a shell) and turns its failures into one error
// type that names the command and git's own message. Everything packflow does with git
// goes through here: no hand-written git objects, no git library.
import { execFile } from 'node:child_process';
import { PackflowError } from '@packflow/core';

export interface GitRunOptions {
  /** Working directory (`git -C`). */
  cwd: string;
  /** Written to git's standard input. */
  input?: string | Buffer;
  /** Added to the inherited environment (identity, GIT_INDEX_FILE…). */
  env?: Record<string, string>;
  /** Exit codes that are answers, not failures (`merge-base --is-ancestor` answers 1). */
  okCodes?: number[];
}

export interface GitResult<T extends string | Buffer> {
  stdout: T;
  stderr: string;
  exitCode: number;
}

/** A git command that failed; `stderr` holds git's message. */
export class GitCommandError extends PackflowError {
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(args: readonly string[], cwd: string, exitCode: number | null, stderr: string, cause?: unknown) {
    const shown = args.map(redactCredentials);
    const said = redactCredentials(firstLines(stderr) || (cause instanceof Error ? cause.message : 'no message'));
    super('git_failed', `git ${shown.join(' ')} (in ${cwd}) failed: ${said}`, {
      details: { args: shown, cwd, exitCode },
    });
    this.args = shown;
    this.exitCode = exitCode;
    this.stderr = redactCredentials(stderr);
  }
}

/** The environment every git command runs with: English messages, no prompts, no pager. */
const FIXED_ENV = { LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EDITOR: 'true' };

/**
 * Settings that would change what git prints for the same repository (a user's
 * `diff.noprefix`, `core.quotepath`…): fixed, so output depends on the repository only.
 */
const FIXED_CONFIG = [
  '-c',
  'core.quotepath=false',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
  '-c',
  'diff.relative=false',
  '-c',
  'diff.external=',
  '-c',
  'format.signOff=false',
  '-c',
  'log.showSignature=false',
  '-c',
  'color.ui=false',
];

const MAX_BUFFER = 512 * 1024 * 1024;

function run<T extends string | Buffer>(
  args: readonly string[],
  options: GitRunOptions,
  encoding: 'utf8' | 'buffer',
): Promise<GitResult<T>> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...FIXED_CONFIG, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...FIXED_ENV, ...options.env },
        encoding,
        maxBuffer: MAX_BUFFER,
      },
      (error, stdout, stderr) => {
        const err = stderr.toString();
        if (!error) return resolve({ stdout: stdout as T, stderr: err, exitCode: 0 });
        const code = typeof error.code === 'number' ? error.code : null;
        if (code !== null && options.okCodes?.includes(code)) {
          return resolve({ stdout: stdout as T, stderr: err, exitCode: code });
        }
        if (error.code === 'ENOENT') {
          return reject(new GitCommandError(args, options.cwd, null, 'the git binary is not installed', error));
        }
        reject(new GitCommandError(args, options.cwd, code, err, error));
      },
    );
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** Runs git and returns its standard output as text. */
export async function git(args: readonly string[], options: GitRunOptions): Promise<string> {
  return (await run<string>(args, options, 'utf8')).stdout;
}

/** Runs git and returns the whole result, exit code included (for `okCodes`). */
export function gitResult(args: readonly string[], options: GitRunOptions): Promise<GitResult<string>> {
  return run<string>(args, options, 'utf8');
}

/** The whole result with standard output as bytes. */
export function gitResultBuffer(args: readonly string[], options: GitRunOptions): Promise<GitResult<Buffer>> {
  return run<Buffer>(args, options, 'buffer');
}

/** Runs git and returns its standard output as bytes (file contents, patches). */
export async function gitBuffer(args: readonly string[], options: GitRunOptions): Promise<Buffer> {
  return (await run<Buffer>(args, options, 'buffer')).stdout;
}

/** `https://user:token@host/…` -> `https://***@host/…`: a token in a remote URL never reaches a message. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

function firstLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(0, 3)
    .join(' / ');
}
