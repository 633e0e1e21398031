// Real git repositories for tests, built with the git binary in temp directories: a
// source-git repository (upstream history, the release tagged, `.distro/` on top) and a
// dist-git repository. A fixed identity and config-free git make every run (and every
// commit hash) the same whatever the machine's git configuration.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Environment that makes git ignore the user's and the system's configuration. */
export const GIT_TEST_ENV: Readonly<Record<string, string>> = Object.freeze({
  GIT_AUTHOR_NAME: 'Ada Author',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_AUTHOR_DATE: '1700000000 +0000',
  GIT_COMMITTER_NAME: 'Cole Committer',
  GIT_COMMITTER_EMAIL: 'cole@example.com',
  GIT_COMMITTER_DATE: '1700000000 +0000',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
});

/** Puts GIT_TEST_ENV into this test file's environment (the code under test runs git too). */
export function useGitTestEnv(): void {
  Object.assign(process.env, GIT_TEST_ENV);
}

export class TestRepo {
  constructor(readonly dir: string) {}

  static init(dir: string, branch = 'main'): TestRepo {
    mkdirSync(dir, { recursive: true });
    const repo = new TestRepo(dir);
    repo.git('init', '--quiet', '-b', branch);
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: { ...process.env, ...GIT_TEST_ENV, LC_ALL: 'C' },
      encoding: 'utf8',
    });
  }

  write(path: string, content: string): this {
    const full = join(this.dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
    return this;
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8');
  }

  remove(path: string): this {
    rmSync(join(this.dir, path), { force: true });
    return this;
  }

  /** Stages everything and commits; returns the new HEAD. */
  commit(message: string, options: { allowEmpty?: boolean } = {}): string {
    this.git('add', '-A');
    const args = ['commit', '--quiet', '--cleanup=verbatim', '-m', message];
    if (options.allowEmpty) args.push('--allow-empty');
    this.git(...args);
    return this.head();
  }

  head(): string {
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** Subjects from HEAD down. */
  subjects(range = 'HEAD'): string[] {
    return this.git('log', '--format=%s', range).split('\n').filter(Boolean);
  }

  /** Files in HEAD. */
  files(ref = 'HEAD'): string[] {
    return this.git('ls-tree', '-r', '--name-only', ref).split('\n').filter(Boolean);
  }

  /** The message of a commit. */
  message(ref = 'HEAD'): string {
    return this.git('log', '-1', '--format=%B', ref);
  }
}

/** A small spec file: %autosetup in %prep, Source0, and a changelog. */
export function specFile(options: { name?: string; release?: number; prep?: boolean; extra?: string } = {}): string {
  const name = options.name ?? 'hello';
  const prep = options.prep === false ? '' : `%prep\n%autosetup -p1\n\n`;
  return `Name:           ${name}
Version:        1.0
Release:        ${options.release ?? 1}%{?dist}
Summary:        Says hello
License:        MIT
URL:            https://example.com/${name}
Source0:        https://example.com/${name}-%{version}.tar.gz
${options.extra ?? ''}
%description
Says hello.

${prep}%build
make

%install
make install

%files
/usr/bin/${name}

%changelog
* Mon Jan 01 2024 Ada Author <ada@example.com> - 1.0-1
- First release
`;
}

/**
 * A source-git repository: two upstream commits with `v1.0` on the second, then a commit
 * adding `.distro/` (spec, source-git.yaml, a gating.yaml). Add downstream commits after.
 */
export function sourceGitRepo(dir: string, options: { config?: string; spec?: string } = {}): TestRepo {
  const repo = TestRepo.init(dir);
  repo.write('README', 'hello\n').write('src/hello.c', 'int main(void) { return 0; }\n').commit('Initial upstream');
  repo.write('src/hello.c', 'int main(void) {\n  return 0;\n}\n').commit('Format hello.c');
  repo.git('tag', 'v1.0');
  repo
    .write('.distro/hello.spec', options.spec ?? specFile())
    .write(
      '.distro/source-git.yaml',
      options.config ??
        'upstream_ref: v1.0\ndownstream_package_name: hello\nspecfile_path: .distro/hello.spec\npatch_generation_ignore_paths: [.distro]\npatch_generation_patch_id_digits: 1\n',
    )
    .write('.distro/gating.yaml', '--- !Policy\nproduct_versions: [rhel-9]\n')
    .write('.distro/.gitignore', '# Reset gitignore rules\n!*\n')
    .commit('Initialize as a source-git repository');
  return repo;
}

/** A dist-git repository with a `sources` file and a .gitignore (what the lookaside needs). */
export function distGitRepo(dir: string): TestRepo {
  const repo = TestRepo.init(dir, 'c9s');
  repo
    .write('sources', 'SHA512 (hello-1.0.tar.gz) = 1234\n')
    .write('.gitignore', '/hello-*.tar.gz\n')
    .commit('Initial import');
  return repo;
}
