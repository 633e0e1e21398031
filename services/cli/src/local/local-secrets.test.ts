import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { applyLocalSecrets } from './local-secrets.js';

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'pf-secrets-')), '.packflow');
});
afterEach(() => rm(join(dir, '..'), { recursive: true, force: true }));

describe('applyLocalSecrets', () => {
  it('generates the missing secrets once, keeps them in secrets.json with mode 0600, and reuses them', async () => {
    const env: Record<string, string | undefined> = {};
    const first = await applyLocalSecrets(dir, env);
    expect(first).toEqual({
      path: join(dir, 'secrets.json'),
      fromFile: ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN', 'MESSAGES_TOKEN'],
      generated: ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN', 'MESSAGES_TOKEN'],
    });
    expect(env.GITHUB_WEBHOOK_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set([env.GITHUB_WEBHOOK_SECRET, env.GITLAB_WEBHOOK_TOKEN, env.MESSAGES_TOKEN]).size).toBe(3);
    expect((await stat(first!.path)).mode & 0o777).toBe(0o600);

    const again: Record<string, string | undefined> = {};
    expect(await applyLocalSecrets(dir, again)).toMatchObject({ generated: [] });
    expect(again).toEqual(env);
  });

  it('leaves the secrets the environment sets alone, and adds a missing one to an existing file', async () => {
    await applyLocalSecrets(dir, { GITHUB_WEBHOOK_SECRET: 'from-env', GITLAB_WEBHOOK_TOKEN: 'from-env' });
    const stored = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(stored)).toEqual(['MESSAGES_TOKEN']);

    const env: Record<string, string | undefined> = { MESSAGES_TOKEN: 'set' };
    const result = await applyLocalSecrets(dir, env);
    expect(result).toMatchObject({
      fromFile: ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN'],
      generated: ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN'],
    });
    expect(env.MESSAGES_TOKEN).toBe('set');
    const after = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(after.MESSAGES_TOKEN).toBe(stored.MESSAGES_TOKEN);
    expect(after.GITHUB_WEBHOOK_SECRET).toBe(env.GITHUB_WEBHOOK_SECRET);
  });

  it('does nothing when the environment sets them all', async () => {
    expect(
      await applyLocalSecrets(dir, { GITHUB_WEBHOOK_SECRET: 'a', GITLAB_WEBHOOK_TOKEN: 'b', MESSAGES_TOKEN: 'c' }),
    ).toBeNull();
    await expect(stat(join(dir, 'secrets.json'))).rejects.toThrow(/ENOENT/);
  });

  it('tightens the mode of a file someone made readable', async () => {
    await applyLocalSecrets(dir, {});
    const path = join(dir, 'secrets.json');
    await chmod(path, 0o644);
    await applyLocalSecrets(dir, {});
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
