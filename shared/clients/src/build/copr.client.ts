// Copr through its REST API v3 (`<copr>/api_3/…`, JSON bodies, HTTP basic auth with the
// API login and token, errors as `{"error": "…"}`), the endpoints python-copr uses.
import { ExternalServiceError } from '@packflow/base';
import { JsonHttpClient, type FetchLike } from '../http/json-http.client.js';
import {
  SRPM_CHROOT,
  type Build,
  type BuildChroot,
  type BuildSourceConfig,
  type BuildService,
  type CoprState,
  type EnsureProjectInput,
  type EnsuredProject,
  type RpmBuildInput,
  type SrpmBuildInput,
} from './build-service.js';

export interface CoprClientOptions {
  /** The Copr frontend, e.g. `https://copr.fedorainfracloud.org`. */
  baseUrl: string;
  /** API login and token from `<copr>/api/` (the `login` and `token` of ~/.config/copr). */
  login: string;
  token: string;
  timeoutMs?: number;
  fetch?: FetchLike;
}

/** A project as api_3 answers it (the fields used here). */
interface CoprProjectBody {
  id: number;
  name: string;
  ownername: string;
  full_name: string;
  chroot_repos?: Record<string, string>;
  packit_forge_projects_allowed?: string[] | null;
}

interface CoprBuildBody {
  id: number;
  state: CoprState;
  projectname: string;
  ownername: string;
  repo_url?: string | null;
  source_package?: { name: string | null; version: string | null; url: string | null } | null;
  submitted_on?: number | null;
  started_on?: number | null;
  ended_on?: number | null;
  submitter?: string | null;
  chroots?: string[];
}

interface CoprBuildChrootBody {
  name?: string;
  state: CoprState;
  started_on?: number | null;
  ended_on?: number | null;
  result_url?: string | null;
}

export class CoprClient implements BuildService {
  private readonly http: JsonHttpClient;
  private readonly webBase: string;

  constructor(private readonly options: CoprClientOptions) {
    this.webBase = options.baseUrl.replace(/\/+$/, '');
    const basic = Buffer.from(`${options.login}:${options.token}`).toString('base64');
    this.http = new JsonHttpClient({
      service: 'copr',
      baseUrl: `${this.webBase}/api_3`,
      headers: () => ({ authorization: `Basic ${basic}` }),
      secrets: [options.token, basic],
      timeoutMs: options.timeoutMs,
      fetch: options.fetch,
    });
  }

  async ensureProject(input: EnsureProjectInput): Promise<EnsuredProject> {
    const full = `${input.owner}/${input.project}`;
    let existing = await this.getProject(input.owner, input.project);
    if (!existing) {
      try {
        const created = await this.http.call<CoprProjectBody>({
          method: 'POST',
          path: `project/add/${encodeURIComponent(input.owner)}`,
          body: {
            name: input.project,
            chroots: [...input.chroots],
            description: input.description,
            instructions: input.instructions,
            enable_net: input.enableNet ?? true,
            unlisted_on_hp: input.unlisted ?? true,
            delete_after_days: input.deleteAfterDays,
            additional_repos: input.additionalRepos,
            packit_forge_projects_allowed: input.forgeProjectsAllowed,
          },
          what: `create project ${full}`,
        });
        return { ...this.project(created, input.chroots), created: true, updated: false };
      } catch (error) {
        // Someone else created it between our read and our create: edit theirs.
        if (!(error instanceof ExternalServiceError) || error.status !== 400 || !/already/i.test(error.message))
          throw error;
        existing = await this.getProject(input.owner, input.project);
        if (!existing) throw error;
      }
    }
    const have = Object.keys(existing.chroot_repos ?? {});
    const missing = input.chroots.filter((c) => !have.includes(c));
    const allowed = existing.packit_forge_projects_allowed ?? [];
    const missingForges = (input.forgeProjectsAllowed ?? []).filter((p) => !allowed.includes(p));
    if (missing.length === 0 && missingForges.length === 0) {
      return { ...this.project(existing, have), created: false, updated: false };
    }
    const chroots = [...have, ...missing];
    const edited = await this.http.call<CoprProjectBody>({
      method: 'PUT',
      path: `project/edit/${encodeURIComponent(input.owner)}/${encodeURIComponent(input.project)}`,
      body: {
        chroots,
        ...(missingForges.length ? { packit_forge_projects_allowed: [...allowed, ...missingForges] } : {}),
      },
      what: `add chroots ${missing.join(', ') || '(none)'} to project ${full}`,
    });
    return { ...this.project(edited, chroots), created: false, updated: true };
  }

  async submitSrpmBuild(input: SrpmBuildInput): Promise<Build> {
    const body = await this.http.call<CoprBuildBody>({
      method: 'POST',
      path: 'build/create/custom',
      body: {
        ownername: input.owner,
        projectname: input.project,
        script: input.script,
        chroot: input.scriptChroot,
        // As python-copr sends them: builddeps a list, repos one space-separated string.
        builddeps: input.builddeps ? [...input.builddeps] : undefined,
        resultdir: input.resultdir,
        repos: input.repos?.join(' '),
        ...(input.chroots ? { chroots: [...input.chroots] } : {}),
        ...buildOptions(input),
      },
      what: `submit SRPM build in ${input.owner}/${input.project}`,
    });
    return this.build(body);
  }

  async submitRpmBuild(input: RpmBuildInput): Promise<Build> {
    const answer = await this.http.call<{ items: CoprBuildBody[] } | CoprBuildBody>({
      method: 'POST',
      path: 'build/create/url',
      body: {
        ownername: input.owner,
        projectname: input.project,
        pkgs: [input.srpmUrl],
        chroots: [...input.chroots],
        ...buildOptions(input),
      },
      what: `submit RPM build of ${input.srpmUrl} in ${input.owner}/${input.project} for ${input.chroots.join(', ')}`,
    });
    const body = 'items' in answer ? answer.items[0] : answer;
    if (!body)
      throw new ExternalServiceError('copr', `submit RPM build in ${input.owner}/${input.project} answered no build`, {
        retryable: false,
      });
    return this.build(body);
  }

  async getBuild(buildId: number | string): Promise<Build> {
    const body = await this.http.call<CoprBuildBody>({ path: `build/${id(buildId)}`, what: `get build ${buildId}` });
    return this.build(body);
  }

  async getBuildChroot(buildId: number | string, chroot: string): Promise<BuildChroot> {
    const what = `get ${chroot} of build ${buildId}`;
    const body =
      chroot === SRPM_CHROOT
        ? await this.http.call<CoprBuildChrootBody>({ path: `build/source-chroot/${id(buildId)}`, what })
        : await this.http.call<CoprBuildChrootBody>({
            path: 'build-chroot',
            query: { build_id: id(buildId), chrootname: chroot },
            what,
          });
    const resultUrl = body.result_url ?? null;
    return {
      buildId: Number(buildId),
      name: chroot,
      state: body.state,
      startedOn: body.started_on ?? null,
      endedOn: body.ended_on ?? null,
      resultUrl,
      logUrl: resultUrl ? `${resultUrl.replace(/\/+$/, '')}/builder-live.log.gz` : null,
      webUrl: `${this.webBase}/coprs/build/${id(buildId)}/`,
    };
  }

  async cancelBuild(buildId: number | string): Promise<Build> {
    const body = await this.http.call<CoprBuildBody>({
      method: 'PUT',
      path: `build/cancel/${id(buildId)}`,
      what: `cancel build ${buildId}`,
    });
    return this.build(body);
  }

  /** `GET /build/list/`: Copr answers newest first (ordered by id, descending). */
  async listBuilds(owner: string, project: string, limit = 20): Promise<Build[]> {
    const body = await this.http.call<{ items: CoprBuildBody[] }>({
      path: 'build/list/',
      query: { ownername: owner, projectname: project, limit },
      what: `list builds of ${owner}/${project}`,
    });
    return (body.items ?? []).map((b) => this.build(b));
  }

  async getSourceBuildConfig(buildId: number | string): Promise<BuildSourceConfig> {
    const body = await this.http.call<{ source_type?: string; source_dict?: Record<string, unknown> | null }>({
      path: `build/source-build-config/${id(buildId)}/`,
      what: `get the source of build ${buildId}`,
    });
    return { sourceType: body.source_type ?? 'unset', sourceDict: body.source_dict ?? {} };
  }

  /** The web page of a build (groups are `@name` owners, shown under `/coprs/g/name/`). */
  buildWebUrl(owner: string, project: string, buildId: number | string): string {
    const ownerPath = owner.startsWith('@') ? `g/${encodeURIComponent(owner.slice(1))}` : encodeURIComponent(owner);
    return `${this.webBase}/coprs/${ownerPath}/${encodeURIComponent(project)}/build/${id(buildId)}/`;
  }

  private async getProject(owner: string, project: string): Promise<CoprProjectBody | undefined> {
    return this.http.request<CoprProjectBody>({
      path: 'project',
      query: { ownername: owner, projectname: project },
      what: `get project ${owner}/${project}`,
      absentOn: [404],
    });
  }

  private project(body: CoprProjectBody, fallbackChroots: string[]) {
    const chroots = body.chroot_repos ? Object.keys(body.chroot_repos) : [...fallbackChroots];
    return {
      owner: body.ownername,
      name: body.name,
      fullName: body.full_name ?? `${body.ownername}/${body.name}`,
      chroots,
    };
  }

  private build(body: CoprBuildBody): Build {
    return {
      id: body.id,
      owner: body.ownername,
      project: body.projectname,
      state: body.state,
      chroots: body.chroots ?? [],
      sourcePackage: {
        name: body.source_package?.name ?? null,
        version: body.source_package?.version ?? null,
        url: body.source_package?.url ?? null,
      },
      submittedOn: body.submitted_on ?? null,
      startedOn: body.started_on ?? null,
      endedOn: body.ended_on ?? null,
      submitter: body.submitter ?? null,
      repoUrl: body.repo_url ?? null,
      webUrl: this.buildWebUrl(body.ownername, body.projectname, body.id),
    };
  }
}

function buildOptions(input: {
  timeoutSeconds?: number;
  enableNet?: boolean;
  forgeProject?: string;
  projectDirname?: string;
}) {
  return {
    ...(input.timeoutSeconds !== undefined ? { timeout: input.timeoutSeconds } : {}),
    ...(input.enableNet !== undefined ? { enable_net: input.enableNet } : {}),
    ...(input.forgeProject ? { packit_forge_project: input.forgeProject } : {}),
    ...(input.projectDirname ? { project_dirname: input.projectDirname } : {}),
  };
}

function id(buildId: number | string): string {
  const text = String(buildId);
  if (!/^\d+$/.test(text))
    throw new ExternalServiceError('copr', `build id "${text}" is not a number`, { retryable: false });
  return text;
}
