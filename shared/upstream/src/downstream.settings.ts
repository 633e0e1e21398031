// The Fedora dist-git side of propose_downstream and pull_from_upstream, read from the
// environment: where dist-git is cloned from and pushed to, the lookaside cache with its
// client certificate, where the work trees go and who the commits are by, and the
// release-monitoring.org (Anitya) that tells the latest upstream version. The Pagure
// identity itself (PAGURE_URL, PAGURE_TOKEN) is the forge identity readForgeIdentities
// reads, once: without it these jobs cannot run here.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvReader } from '@packflow/core';
import type { ForgeIdentities } from './forge/forge.registry.js';

export interface DownstreamSettings {
  /** Where dist-git repositories are cloned from and forks pushed to (`<url>/rpms/<name>.git`). */
  gitUrl: string;
  lookaside: { uploadUrl: string; certPath?: string; keyPath?: string; caPath?: string };
  workDir: string;
  gitIdentity: { name: string; email: string };
  /** Anitya, asked for the latest version when `/packit pull-from-upstream` names none. */
  releaseMonitoringUrl: string;
}

/** The downstream settings of a deployment with the Pagure identity `pagure`; undefined without it. */
export function readDownstreamSettings(
  r: EnvReader,
  pagure: ForgeIdentities['pagure'],
): DownstreamSettings | undefined {
  const base = pagure?.url ?? 'https://src.fedoraproject.org';
  const settings: DownstreamSettings = {
    gitUrl: r.url('PAGURE_GIT_URL', base, ['https', 'http', 'file'])!,
    lookaside: {
      uploadUrl: r.url('LOOKASIDE_UPLOAD_URL', `${base}/repo/pkgs/upload.cgi`, ['https', 'http'])!,
      certPath: r.optional('LOOKASIDE_CERT'),
      keyPath: r.optional('LOOKASIDE_KEY'),
      caPath: r.optional('LOOKASIDE_CA'),
    },
    workDir: r.string('DOWNSTREAM_WORK_DIR', join(tmpdir(), 'packflow-downstream')),
    gitIdentity: {
      name: r.string('DOWNSTREAM_GIT_NAME', 'packflow'),
      email: r.string('DOWNSTREAM_GIT_EMAIL', 'packflow@localhost'),
    },
    releaseMonitoringUrl: r.url('RELEASE_MONITORING_URL', 'https://release-monitoring.org', ['https', 'http'])!,
  };
  return pagure ? settings : undefined;
}
