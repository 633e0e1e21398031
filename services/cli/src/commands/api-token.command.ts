// `packflow api-token create`: an operator gives a person of a forge a token for the web
// API's writes (reruns). The token is printed once; only its digest is stored. What the
// person may do is asked of the forge at each request, as for comment commands.
// Registration only (commander and nothing heavy); the work is in api-token.actions.ts.
import type { Command } from 'commander';
import { action } from '../cli.errors.js';

const FORGES = ['github', 'gitlab'];

export function registerApiToken(program: Command): void {
  const apiToken = program.command('api-token').description('tokens people use to rerun pipelines through the web API');
  apiToken
    .command('create')
    .description('create a token for a forge user and print it once (only its digest is stored)')
    .requiredOption('--user <login>', 'their login on the forge')
    .requiredOption('--forge <forge>', `the forge: ${FORGES.join(' or ')}`)
    .addHelpText(
      'after',
      '\nThe token is sent as "Authorization: Bearer <token>". A rerun is allowed when the forge says the user\n' +
        "may run commands (write access) on the pipeline's project.\nExit status: 0 created, 2 bad options or no database.",
    )
    .action(
      action(async (opts: { user: string; forge: string }) =>
        (await import('./api-token.actions.js')).createApiToken(opts),
      ),
    );
}
