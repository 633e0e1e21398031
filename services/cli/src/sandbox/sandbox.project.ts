// The sandbox's one repository on its forge: its default .packit.yaml and spec, and what
// happened to it (pull requests, the default branch's head, the config of each commit),
// kept in <state>/sandbox/forge.json so a comment on a pull request opened before a
// restart still finds its commit and config.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SANDBOX_REPO = 'sandbox/hello';
/** Who opens pull requests and writes comments (write access on the sandbox repository). */
export const SANDBOX_USER = 'sandbox-user';

/** The config a change gets when `--config` is not given: build on two chroots, then test on each. */
export const DEFAULT_SANDBOX_CONFIG = `# The sandbox's default .packit.yaml (pnpm packflow sandbox … --config FILE to use another).
specfile_path: hello.spec
downstream_package_name: hello
jobs:
  - job: copr_build
    trigger: pull_request
    targets: [fedora-rawhide-x86_64, fedora-45-x86_64]
  - job: tests
    trigger: pull_request
    targets: [fedora-rawhide-x86_64, fedora-45-x86_64]
  - job: copr_build
    trigger: commit
    branch: main
    targets: [fedora-rawhide-x86_64, fedora-45-x86_64]
  - job: copr_build
    trigger: release
    targets: [fedora-rawhide-x86_64, fedora-45-x86_64]
`;

export const SANDBOX_SPEC = `Name:           hello
Version:        1.0
Release:        1%{?dist}
Summary:        The sandbox's example package
License:        MIT

%description
A package that exists only in packflow's sandbox.
`;

export interface SandboxForgeState {
  /** The sandbox GitHub's port: its address names the project, so it is kept across restarts. */
  githubPort?: number;
  nextPullRequest: number;
  /** Head sha of each pull request opened. */
  pulls: Record<string, string>;
  /** The default branch's head, once pushed to. */
  main?: string;
  /** The .packit.yaml of each commit. */
  configs: Record<string, string>;
}

export const newSha = (): string => randomBytes(20).toString('hex');

export class SandboxProject {
  private constructor(
    private readonly file: string,
    readonly state: SandboxForgeState,
  ) {}

  static async load(stateDir: string): Promise<SandboxProject> {
    const file = join(stateDir, 'sandbox', 'forge.json');
    let state: SandboxForgeState = { nextPullRequest: 1, pulls: {}, configs: {} };
    try {
      state = { ...state, ...(JSON.parse(await readFile(file, 'utf8')) as Partial<SandboxForgeState>) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    return new SandboxProject(file, state);
  }

  async save(): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    await rename(tmp, this.file);
  }
}
