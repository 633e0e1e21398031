// `packflow api-token create` as an operator runs it: the token is printed once, only its
// digest is stored, and the token then names the forge user it was made for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiTokenRepository } from '@packflow/core';
import { createTestDatabase, type TestDatabase } from '@packflow/testing';
import { runCli } from '../testing/run-cli.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('pnpm packflow api-token create', () => {
  it('prints a token once and stores only its digest', async () => {
    const r = await runCli(['api-token', 'create', '--user', 'octocat', '--forge', 'github'], { DATABASE_URL: db.url });
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    expect(token).toMatch(/^pfa_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toContain('github user octocat');
    expect(r.stderr).not.toContain(token);
    const { rows } = await db
      .pool()
      .query<{ stored: string }>(`select row_to_json(t)::text as stored from shared.api_tokens t`);
    expect(rows).toHaveLength(1);
    expect(rows[0].stored).not.toContain(token);
    expect(await new ApiTokenRepository(db.pool()).owner(token)).toMatchObject({ forge: 'github', login: 'octocat' });
  });

  it('refuses an unknown forge or a login that is not one, naming the option', async () => {
    const forge = await runCli(['api-token', 'create', '--user', 'octocat', '--forge', 'bitbucket'], {
      DATABASE_URL: db.url,
    });
    expect(forge).toMatchObject({ code: 2, stdout: '' });
    expect(forge.stderr).toContain('--forge must be github or gitlab, not bitbucket');
    const user = await runCli(['api-token', 'create', '--user', 'a b', '--forge', 'gitlab'], { DATABASE_URL: db.url });
    expect(user.code).toBe(2);
    expect(user.stderr).toContain('--user a b is not a login');
  });
});
