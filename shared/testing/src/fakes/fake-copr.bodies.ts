// The answers of the fake Copr, shaped as Copr's api_3 shapes them (projects, builds,
// how a build was submitted, the build page), and the result directory layout of its
// backend. Pure functions of the fake's state: the server decides, these only shape.
import {
  FINISHED,
  SRPM_BUILDS,
  type FakeCoprBuild,
  type FakeCoprChroot,
  type FakeCoprProject,
  type FakeCoprState,
} from './fake-copr.types.js';

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** `…/hello-1.0-1.fc41.src.rpm` -> name `hello`, version `1.0-1.fc41`. */
export function nameVersion(url: string): { name: string | null; version: string | null } {
  const file =
    url
      .split('/')
      .pop()
      ?.replace(/\.src\.rpm$/, '') ?? '';
  const m = /^(.+)-([^-]+-[^-]+)$/.exec(file);
  return m ? { name: m[1], version: m[2] } : { name: null, version: null };
}

/** Copr's build state, from its source build and chroots. */
export function buildState(build: FakeCoprBuild): FakeCoprState {
  if (build.canceled) return 'canceled';
  if (build.source.state !== 'succeeded') return build.source.state;
  const states = [...build.chroots.values()].map((c) => c.state);
  if (states.some((s) => s === 'running' || s === 'starting')) return 'running';
  if (states.every((s) => FINISHED.has(s))) return states.includes('failed') ? 'failed' : 'succeeded';
  return states.some((s) => FINISHED.has(s)) ? 'running' : 'pending';
}

/** `<results>/<owner>/<project>/<chroot>/<00000042[-name]>/`: where the backend leaves a chroot's results. */
export function resultDir(resultsBase: string, build: FakeCoprBuild, chroot: string): string {
  const dir = String(build.id).padStart(8, '0');
  const suffix = chroot === SRPM_BUILDS || !build.sourcePackage.name ? '' : `-${build.sourcePackage.name}`;
  return `${resultsBase}/${build.owner}/${build.project}/${chroot}/${dir}${suffix}/`;
}

export function projectBody(p: FakeCoprProject, resultsBase: string) {
  return {
    id: p.id,
    name: p.name,
    ownername: p.owner,
    full_name: `${p.owner}/${p.name}`,
    homepage: null,
    contact: null,
    description: p.description,
    instructions: p.instructions,
    devel_mode: false,
    persistent: false,
    unlisted_on_hp: p.unlistedOnHp,
    auto_prune: true,
    chroot_repos: Object.fromEntries(p.chroots.map((c) => [c, `${resultsBase}/${p.owner}/${p.name}/${c}/`])),
    additional_repos: [],
    enable_net: p.enableNet,
    bootstrap: 'default',
    isolation: 'default',
    module_hotfixes: false,
    appstream: false,
    packit_forge_projects_allowed: p.forgeProjectsAllowed,
  };
}

export function buildBody(b: FakeCoprBuild, resultsBase: string) {
  const all = [b.source, ...b.chroots.values()];
  const started = all.map((c) => c.startedOn).filter((t): t is number => t !== null);
  const ended = all.map((c) => c.endedOn).filter((t): t is number => t !== null);
  const state = buildState(b);
  return {
    id: b.id,
    state,
    projectname: b.project,
    ownername: b.owner,
    repo_url: `${resultsBase}/${b.owner}/${b.project}/`,
    source_package: { ...b.sourcePackage },
    submitted_on: b.submittedOn,
    started_on: started.length ? Math.min(...started) : null,
    ended_on: FINISHED.has(state) && ended.length ? Math.max(...ended) : null,
    submitter: b.submitter,
    chroots: [...b.chroots.keys()],
    project_dirname: typeof b.request.project_dirname === 'string' ? b.request.project_dirname : b.project,
    is_background: false,
  };
}

/**
 * What Copr keeps of how a build was submitted: `custom` with its script (builddeps as
 * the one space-separated string Copr's form makes of a list), `link` with its URL.
 */
export function sourceBuildConfig(b: FakeCoprBuild) {
  const body = b.request;
  const words = (v: unknown) => (Array.isArray(v) ? v.map(String).join(' ') : (v ?? null));
  const sourceDict =
    b.method === 'custom'
      ? {
          script: body.script,
          chroot: body.chroot ?? 'fedora-latest-x86_64',
          builddeps: words(body.builddeps),
          resultdir: body.resultdir ?? null,
          repos: words(body.repos),
        }
      : { url: b.sourceUrl };
  return {
    source_type: b.method === 'custom' ? 'custom' : 'link',
    source_dict: sourceDict,
    memory_limit: 2048,
    timeout: typeof body.timeout === 'number' ? body.timeout : 18000,
    is_background: false,
  };
}

/** The build's web page: its state and each chroot's state with its log. */
export function buildPage(
  b: FakeCoprBuild,
  dirOf: (chroot: string) => string,
): { status: number; contentType: string; text: string } {
  const row = (name: string, c: FakeCoprChroot) =>
    `<tr><td>${name}</td><td>${c.state}</td><td><a href="${dirOf(name)}builder-live.log.gz">builder-live.log</a></td></tr>`;
  const rows = [row(SRPM_BUILDS, b.source), ...[...b.chroots].map(([name, c]) => row(name, c))].join('');
  return {
    status: 200,
    contentType: 'text/html; charset=utf-8',
    text: `<!doctype html><title>Build ${b.id}</title><h1>Build ${b.id}: ${buildState(b)}</h1><p>${b.owner}/${b.project}</p><table>${rows}</table>`,
  };
}
