// release-monitoring.org (Anitya): the latest upstream version of a Fedora package, looked
// up as Packit does for `/packit pull-from-upstream` without `--version` (packit's
// get_upstream_version): the project Anitya maps to the Fedora package
// (`GET /api/project/Fedora/<package>`, 404 when there is no mapping), else the project
// named like the package (`GET /api/projects?pattern=<package>`, a prefix search: only an
// exact name counts). Anitya's v1 API needs no authentication.
import { JsonHttpClient, type FetchLike } from '../http/json-http.client.js';

export interface ReleaseMonitoringClientOptions {
  /** `https://release-monitoring.org`. */
  baseUrl: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** An Anitya project as its v1 API answers it (the fields packflow reads). */
export interface AnityaProject {
  id: number;
  name: string;
  /** The latest version Anitya found; null before its first check. */
  version: string | null;
  stable_versions: string[];
  versions: string[];
}

export class ReleaseMonitoringClient {
  private readonly http: JsonHttpClient;

  constructor(options: ReleaseMonitoringClientOptions) {
    this.http = new JsonHttpClient({
      service: 'release-monitoring',
      baseUrl: options.baseUrl,
      secrets: [],
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
  }

  /** The latest upstream version of a Fedora package; undefined when Anitya knows none. */
  async latestVersion(packageName: string): Promise<string | undefined> {
    const mapped = await this.http.request<AnityaProject>({
      path: `api/project/Fedora/${encodeURIComponent(packageName)}`,
      what: `look up the project of Fedora package ${packageName}`,
      absentOn: [404],
    });
    if (mapped?.version) return mapped.version;
    // No Fedora mapping: the project named like the package.
    const found = await this.http.call<{ projects: AnityaProject[] }>({
      path: 'api/projects',
      query: { pattern: packageName },
      what: `search projects named ${packageName}`,
    });
    return found.projects.find((p) => p.name === packageName)?.version ?? undefined;
  }
}
