// A fake release-monitoring.org (Anitya) answering its v1 API as the real one does:
// `GET /api/project/<distro>/<package>` the project mapped to a distribution's package
// (404 `{"error", "output": "notok"}` without a mapping), `GET /api/projects?pattern=`
// the projects whose name matches the pattern (`*` a wildcard; a pattern without one is a
// prefix, as Anitya appends `*`), `{projects, total}`. Projects have the fields of the
// project in Anitya's version-update message; the mapped one also lists its mappings
// (`packages`, the detailed form).
import { FakeHttpServer, type FakeRequest, type FakeResponse } from '@packflow/testing';

export interface FakeAnityaProject {
  id: number;
  name: string;
  homepage: string;
  backend: string;
  ecosystem: string;
  regex: string | null;
  version_url: string | null;
  version: string | null;
  versions: string[];
  stable_versions: string[];
  created_on: number;
  updated_on: number;
  packages: { distro: string; package_name: string }[];
}

export class FakeReleaseMonitoring extends FakeHttpServer {
  readonly projects: FakeAnityaProject[] = [];

  private constructor() {
    super();
    this.route('GET', '/api/project/:distro/*package', (r) => this.mapped(r));
    this.route('GET', '/api/projects', (r) => this.search(r));
  }

  static async start(): Promise<FakeReleaseMonitoring> {
    return new FakeReleaseMonitoring().listen();
  }

  /**
   * Adds a project with its versions, newest first (`version` is the first), mapped to a
   * Fedora package when `fedora` names one.
   */
  addProject(
    name: string,
    versions: string[],
    options: { fedora?: string; homepage?: string } = {},
  ): FakeAnityaProject {
    const now = Math.floor(Date.now() / 1000);
    const homepage = options.homepage ?? `https://example.org/${name}`;
    const project: FakeAnityaProject = {
      id: this.projects.length + 1,
      name,
      homepage,
      backend: 'GitHub',
      // Anitya names a project outside a language ecosystem by its homepage.
      ecosystem: homepage,
      regex: null,
      version_url: null,
      version: versions[0] ?? null,
      versions: [...versions],
      stable_versions: versions.filter((v) => !/(alpha|beta|rc|pre|dev)/i.test(v)),
      created_on: now,
      updated_on: now,
      packages: options.fedora ? [{ distro: 'Fedora', package_name: options.fedora }] : [],
    };
    this.projects.push(project);
    return project;
  }

  protected errorBody(_status: number, message: string): unknown {
    return { error: message, output: 'notok' };
  }

  private mapped(request: FakeRequest): FakeResponse {
    const { distro, package: pkg } = request.params;
    const project = this.projects.find((p) =>
      p.packages.some((m) => m.distro.toLowerCase() === distro.toLowerCase() && m.package_name === pkg),
    );
    return project ? this.json(200, project) : this.error(404, `No package "${pkg}" found in distro "${distro}"`);
  }

  private search(request: FakeRequest): FakeResponse {
    const pattern = request.query.get('pattern');
    let projects: FakeAnityaProject[] = this.projects;
    if (pattern) {
      const glob = pattern.includes('*') ? pattern : `${pattern}*`;
      projects = projects.filter((p) => globMatches(glob, p.name));
    }
    // The list has the projects without their mappings (Anitya's non-detailed form).
    const listed = projects.map(({ packages: _packages, ...rest }) => rest);
    return this.json(200, { projects: listed, total: listed.length });
  }
}

/** Whether `name` matches `glob` (`*` any text), case-insensitively, as Anitya's SQL LIKE does. */
function globMatches(glob: string, name: string): boolean {
  const parts = glob.toLowerCase().split('*');
  const text = name.toLowerCase();
  if (parts.length === 1) return text === parts[0];
  if (!text.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  const last = parts[parts.length - 1];
  return text.length - last.length >= at && text.endsWith(last);
}
