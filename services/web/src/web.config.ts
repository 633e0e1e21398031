import { readPlanningConfig } from '@packflow/config';
import { EnvReader, readCommonConfig, type CommonConfig } from '@packflow/core';
import { checkKcidbSubmitters, toKcidbSubmitters, type KcidbSubmitter } from '@packflow/results';
import { readForgeIdentities, type ForgeIdentities } from '@packflow/upstream';
import { readWebAuthConfig, type WebAuthConfig } from './auth/auth.config.js';

export interface WebConfig extends CommonConfig {
  host: string;
  port: number;
  /** Largest accepted request body in bytes (KCIDB reports can be large). */
  bodyLimit: number;
  /**
   * The forge identities (as the upstream worker's): the forge is asked whether the person
   * behind an API token may rerun a project's pipelines, as it is for comment commands.
   */
  forges: ForgeIdentities;
  /** Sign-in with the forge account (OAuth apps) and the dashboard's sessions. */
  auth: WebAuthConfig;
  /** The operator's release table for POST /api/v1/plan (PACKFLOW_RELEASES_FILE); the shipped one otherwise. */
  releasesFile?: string;
  /** PACKFLOW_SANDBOX: set by `pnpm start` when it runs the sandbox (fake forge, Copr, Testing Farm). */
  sandbox: boolean;
  kcidb: {
    /** From `KCIDB_SUBMITTERS` (`{"<token>": ["origin", …]}`); only token digests are kept. */
    submitters: readonly KcidbSubmitter[];
  };
}

export function loadWebConfig(env: Readonly<Record<string, string | undefined>> = process.env): Readonly<WebConfig> {
  const r = new EnvReader(env);
  return r.done({
    ...readCommonConfig(r),
    host: r.string('HOST', '127.0.0.1'),
    port: r.int('WEB_PORT', 8081, { min: 0, max: 65535 }),
    bodyLimit: r.int('WEB_BODY_LIMIT', 25 * 1024 * 1024, { min: 1024 }),
    forges: readForgeIdentities(r),
    auth: readWebAuthConfig(r),
    ...readPlanningConfig(r),
    sandbox: r.bool('PACKFLOW_SANDBOX', false),
    kcidb: {
      submitters: toKcidbSubmitters(
        r.json<Record<string, string[]>>('KCIDB_SUBMITTERS', {}, checkKcidbSubmitters, true),
      ),
    },
  });
}
