// `packflow api-token create`: an operator gives a person of a forge a token for the web
// API's writes (reruns). The token is printed once; only its digest is stored. What the
// person may do is asked of the forge at each request, as for comment commands.
import type { Command } from 'commander';
import {
  ApiTokenRepository,
  createLogger,
  Database,
  EnvReader,
  readCommonConfig,
  ValidationError,
} from '@packflow/core';
import { EXIT, action } from '../cli.errors.js';

const FORGES = ['github', 'gitlab'] as const;

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
      action(async (opts: { user: string; forge: string }) => {
        const login = opts.user.trim();
        if (!(FORGES as readonly string[]).includes(opts.forge))
          throw new ValidationError(`--forge must be ${FORGES.join(' or ')}, not ${opts.forge}`);
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(login))
          throw new ValidationError(`--user ${opts.user} is not a login`);
        const reader = new EnvReader(process.env);
        const { databaseUrl } = reader.done(readCommonConfig(reader));
        const db = new Database({
          url: databaseUrl,
          name: 'packflow api-token',
          max: 1,
          logger: createLogger({ name: 'api-token', level: 'silent', pretty: false }),
        });
        try {
          const { id, token } = await new ApiTokenRepository(db).create({ forge: opts.forge, login });
          process.stderr.write(`created API token ${id} for ${opts.forge} user ${login}; it is shown only now:\n`);
          process.stdout.write(`${token}\n`);
        } finally {
          await db.close();
        }
        return EXIT.ok;
      }),
    );
}
