// The downstream Fedora jobs this deployment runs, from its settings: koji_build with a
// Koji hub, bodhi_update with a Koji hub and a Bodhi identity. A job without what it needs
// is left out, and its steps end in error saying this deployment cannot run it.
import { BodhiClient, type KojiClient } from '@packflow/clients';
import type { ActivityDefinition } from '@packflow/engine';
import type { PagureForge } from '@packflow/forges';
import type { BodhiSettings } from '../fedora.settings.js';
import { bodhiUpdateActivity } from './bodhi.activities.js';
import { kojiBuildActivity } from './koji-build.activities.js';
import type { Sidetags } from './sidetags.js';

export function fedoraJobs(deps: {
  koji?: { client: KojiClient; webUrl: string };
  bodhi?: BodhiSettings;
  /** The side tags of sidetag groups. */
  sidetags?: Sidetags;
  /** Dist-git, for who allowed_builders' groups and aliases name. */
  pagure?: PagureForge;
}): Record<string, ActivityDefinition> {
  const jobs: Record<string, ActivityDefinition> = {};
  if (!deps.koji) return jobs;
  jobs.koji_build = kojiBuildActivity({
    koji: deps.koji.client,
    kojiWebUrl: deps.koji.webUrl,
    sidetags: deps.sidetags,
  });
  if (deps.bodhi)
    jobs.bodhi_update = bodhiUpdateActivity({
      koji: deps.koji.client,
      bodhi: new BodhiClient({ baseUrl: deps.bodhi.url, oidc: deps.bodhi.oidc }),
      pagure: deps.pagure,
    });
  return jobs;
}
