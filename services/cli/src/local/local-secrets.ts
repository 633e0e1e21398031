// The intake's secrets for `pnpm start` on a developer machine: any of them missing from
// the environment is generated once and kept in <state dir>/secrets.json (mode 0600), so
// webhooks configured against this machine keep working across restarts. The values are
// never printed; only where they are.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCAL_SECRET_NAMES = ['GITHUB_WEBHOOK_SECRET', 'GITLAB_WEBHOOK_TOKEN', 'MESSAGES_TOKEN'] as const;
export type LocalSecretName = (typeof LOCAL_SECRET_NAMES)[number];

export interface LocalSecrets {
  /** The file holding them. */
  path: string;
  /** Names taken from the file (set in `env` by `applyLocalSecrets`). */
  fromFile: LocalSecretName[];
  /** Names generated now (a subset of `fromFile`). */
  generated: LocalSecretName[];
}

async function readSecrets(path: string): Promise<Record<string, string>> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error(`${path}: expected a JSON object`);
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/**
 * Fills the secrets missing from `env` from `<stateDir>/secrets.json`, generating and
 * saving those the file does not have yet. Returns null when the environment sets them all.
 */
export async function applyLocalSecrets(
  stateDir: string,
  env: Record<string, string | undefined>,
): Promise<LocalSecrets | null> {
  const missing = LOCAL_SECRET_NAMES.filter((name) => !env[name]?.trim());
  if (missing.length === 0) return null;
  const path = join(stateDir, 'secrets.json');
  const stored = await readSecrets(path);
  const generated = missing.filter((name) => !stored[name]);
  if (generated.length > 0) {
    for (const name of generated) stored[name] = randomBytes(32).toString('base64url');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
  }
  await chmod(path, 0o600);
  for (const name of missing) env[name] = stored[name];
  return { path, fromFile: missing, generated };
}
