// Where the test servers are: DATABASE_URL / NATS_URL, else the local defaults.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DATABASE_URL, DEFAULT_NATS_URL } from '@packflow/core';

/** Any database URL on the test server; only its server and credentials are used. */
export const testServerUrl = (): string => process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
export const testNatsUrl = (): string => process.env.NATS_URL ?? DEFAULT_NATS_URL;

/** The repository root. */
export const repoRoot = (): string => fileURLToPath(new URL('../../../', import.meta.url));

/** `../shared/fixtures` beside the repository, when it exists (the conformance suite reads it). */
export function sharedFixturesDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));
  return existsSync(dir) ? dir : undefined;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
