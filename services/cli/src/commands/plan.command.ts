// `packflow plan`: registration only (commander and nothing heavy), so `--help` stays fast;
// the work is in plan.actions.ts, imported when the command runs.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';
import type { PlanOpts } from './plan.actions.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description(
      'show the pipeline packflow would run for a webhook payload: steps, edges and the jobs left out, with why',
    )
    .option(
      '--config <path>',
      'the config file, or a repository directory to find it in (default: the current directory)',
    )
    .requiredOption('--event <payload.json>', 'a GitHub or GitLab webhook body')
    .option(
      '--event-type <name>',
      'its X-GitHub-Event / X-Gitlab-Event value or Pagure message topic, when the body does not tell',
    )
    .option('--changed-files <a,b,...>', 'files the pull request or push changed (for paths filtering)')
    .option(
      '--comment <text>',
      'plan for this comment (e.g. "/packit test") on the pull request or commit of the payload',
    )
    .option('--labels <a,b,...>', 'labels of the pull request (for require.label), instead of those in the payload')
    .option(
      '--json',
      'print exactly {"steps":[{"id","package","job","identifier","trigger","targets"}],"edges":[{"from","to","target"}],"skipped":[{"job","package","identifier","reason"}],"notes":["…"]}',
    )
    .addHelpText(
      'after',
      '\nExit status: 0 planned, 1 the config is invalid, 2 a file cannot be read or the payload is not an event.',
    )
    .action(action(async (opts: PlanOpts) => (await import('./plan.actions.js')).runPlan(opts)));
}
