// What `packflow api-token create` does, loaded only when it runs (api-token.command.ts
// registers it). The database is found as the other database commands find it.
import { ApiTokenRepository, createLogger, Database, ValidationError } from '@packflow/core';
import { EXIT } from '../cli.errors.js';
import { withCliDatabase } from '../local/cli-database.js';

export const TOKEN_FORGES = ['github', 'gitlab'] as const;

export async function createApiToken(opts: { user: string; forge: string }): Promise<number> {
  const login = opts.user.trim();
  if (!(TOKEN_FORGES as readonly string[]).includes(opts.forge))
    throw new ValidationError(`--forge must be ${TOKEN_FORGES.join(' or ')}, not ${opts.forge}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(login)) throw new ValidationError(`--user ${opts.user} is not a login`);
  return withCliDatabase(async ({ url }) => {
    const db = new Database({
      url,
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
  });
}
