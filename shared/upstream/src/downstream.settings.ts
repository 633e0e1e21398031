// The Fedora dist-git identity propose_downstream and pull_from_upstream work with, read
// from the environment: a Pagure API token (its user owns the forks, `forks/<user>/rpms/…`,
// and opens the pull requests), the lookaside cache with its client certificate, where the
// work trees go and who the commits are by. Without PAGURE_TOKEN those jobs cannot run here.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvReader } from '@packflow/core';

export interface DownstreamSettings {
  /** `https://src.fedoraproject.org`: the Pagure API and pull requests. */
  pagureUrl: string;
  pagureToken: string;
  /** Where dist-git repositories are cloned from and forks pushed to (`<url>/rpms/<name>.git`). */
  gitUrl: string;
  lookaside: { uploadUrl: string; certPath?: string; keyPath?: string; caPath?: string };
  workDir: string;
  gitIdentity: { name: string; email: string };
}

export function readDownstreamSettings(r: EnvReader): DownstreamSettings | undefined {
  const pagureUrl = r.url('PAGURE_URL', 'https://src.fedoraproject.org', ['https', 'http'])!;
  const pagureToken = r.secret('PAGURE_TOKEN');
  const settings = {
    gitUrl: r.url('PAGURE_GIT_URL', pagureUrl, ['https', 'http', 'file'])!,
    lookaside: {
      uploadUrl: r.url('LOOKASIDE_UPLOAD_URL', `${pagureUrl}/repo/pkgs/upload.cgi`, ['https', 'http'])!,
      certPath: r.optional('LOOKASIDE_CERT'),
      keyPath: r.optional('LOOKASIDE_KEY'),
      caPath: r.optional('LOOKASIDE_CA'),
    },
    workDir: r.string('DOWNSTREAM_WORK_DIR', join(tmpdir(), 'packflow-downstream')),
    gitIdentity: {
      name: r.string('DOWNSTREAM_GIT_NAME', 'packflow'),
      email: r.string('DOWNSTREAM_GIT_EMAIL', 'packflow@localhost'),
    },
  };
  return pagureToken ? { pagureUrl, pagureToken, ...settings } : undefined;
}
