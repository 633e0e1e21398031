// `packflow sandbox …`: registration only (commander and nothing heavy), so `--help` stays
// fast; the work is in sandbox.actions.ts, imported when a command runs.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';
import type { SandboxChangeOpts } from './sandbox.actions.js';

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('drive the sandbox of a running `pnpm start` (no forge identity): open pull requests, push, comment')
    .addHelpText(
      'after',
      `
\`pnpm start\` with no forge identity runs a sandbox: a local GitHub, Copr and Testing Farm
(fakes whose builds and tests take a few seconds and write logs). These commands make
changes in its one repository, sandbox/hello; the sandbox GitHub sends packflow the signed
webhook, as GitHub would, and the command prints the dashboard page of the pipeline that
starts (or why nothing runs).

Examples:
  pnpm packflow sandbox pull-request --fail fedora-rawhide-x86_64
  pnpm packflow sandbox comment 1 '/packit rebuild-failed'
  pnpm packflow sandbox pull-request --fail-tests fedora-45-x86_64
  pnpm packflow sandbox comment 2 '/packit retest-failed'
  pnpm packflow sandbox push --config path/to/.packit.yaml

The running instance is found through its state directory (.packflow, or PACKFLOW_STATE_DIR),
as the other commands find its database.`,
    );
  const change = (name: string, description: string, extra = '') =>
    sandbox
      .command(name)
      .description(description)
      .option('--config <path>', "the .packit.yaml of the change (default: the sandbox's own, see below)")
      .option(
        '--fail <chroot>',
        'the sandbox Copr fails this chroot on the first build of the change (repeat, or a,b); a rebuild passes',
        collect,
      )
      .option(
        '--fail-tests <chroot>',
        "the sandbox Testing Farm fails this chroot's first test run of the change (repeat, or a,b); a retest passes",
        collect,
      )
      .option('--timeout <seconds>', 'how long to wait for the pipeline to start', '60')
      .addHelpText(
        'after',
        `${extra}
The default config builds fedora-rawhide-x86_64 and fedora-45-x86_64 in Copr on pull
requests, pushes to main and releases, and tests both chroots on pull requests.
Exit status: 0 sent (a pipeline started, or the plan says why none does), 1 packflow refused
the webhook or no pipeline started in time, 2 no sandbox runs or bad input.`,
      )
      .action(
        action(async (opts: SandboxChangeOpts) =>
          (await import('./sandbox.actions.js')).runSandboxChange(name as 'pull-request', opts),
        ),
      );
  change('pull-request', 'open a pull request in the sandbox forge and print its pipeline');
  change('push', 'push a commit to the default branch (main) of the sandbox repository');
  change(
    'release',
    'publish a release (the next v1.0.N tag) of the sandbox repository',
    "\nNote: packflow records releases but does not build them yet (GitHub's release webhook\nnames no commit, and the worker does not look the tag up).",
  );
  sandbox
    .command('comment')
    .description('comment on a pull request of the sandbox (e.g. /packit rebuild-failed) and print what it starts')
    .argument('<number>', 'the pull request number (printed by `sandbox pull-request`)')
    .argument('<text>', "the comment, e.g. '/packit retest-failed' or '/packit rebuild-failed'")
    .option('--timeout <seconds>', 'how long to wait for a pipeline to start', '30')
    .action(
      action(async (number: string, text: string, opts: { timeout: string }) =>
        (await import('./sandbox.actions.js')).runSandboxComment(number, text, opts),
      ),
    );
}
