// The forge drivers of one upstream deployment: which forge instances it has an identity
// for (a GitHub App, a GitLab token), and the client of that identity for a project.
import { ConfigurationError, NotConfiguredError, type EnvReader } from '@packflow/core';
import { GithubForge, GitlabForge, PagureForge, type ForgeClient, type RepoId } from '@packflow/forges';

/** This deployment's identities on the forges (from the worker's config). */
export interface ForgeIdentities {
  github?: { appId: string; privateKey: string; apiUrl: string; instanceUrl: string };
  gitlab?: { url: string; token: string; instanceUrl: string };
  /** Fedora dist-git (Pagure): koji_build and bodhi_update of its packages, flags on its pull requests. */
  pagure?: { url: string; token: string; instanceUrl: string };
}

/**
 * The forge identities from the environment (GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY,
 * GITHUB_API_URL, GITHUB_INSTANCE_URL; GITLAB_TOKEN, GITLAB_URL, GITLAB_INSTANCE_URL; PAGURE_TOKEN,
 * PAGURE_URL, PAGURE_INSTANCE_URL):
 * read the same way by the upstream worker and by the web service (which asks the forge
 * about a person's permission before a rerun).
 */
export function readForgeIdentities(r: EnvReader): ForgeIdentities {
  const appId = r.optional('GITHUB_APP_ID');
  const privateKey = r.secret('GITHUB_APP_PRIVATE_KEY');
  const gitlabToken = r.secret('GITLAB_TOKEN');
  const gitlabUrl = r.url('GITLAB_URL', 'https://gitlab.com', ['http', 'https'])!;
  const pagureToken = r.secret('PAGURE_TOKEN');
  const pagureUrl = r.url('PAGURE_URL', 'https://src.fedoraproject.org', ['http', 'https'])!;
  const origin = (url: string) => new URL(url).origin;
  return {
    github:
      appId && privateKey
        ? {
            appId,
            privateKey: privateKey.replace(/\\n/g, '\n'),
            apiUrl: r.url('GITHUB_API_URL', 'https://api.github.com', ['http', 'https'])!,
            instanceUrl: origin(r.url('GITHUB_INSTANCE_URL', 'https://github.com', ['http', 'https'])!),
          }
        : undefined,
    gitlab: gitlabToken
      ? {
          url: gitlabUrl,
          token: gitlabToken,
          instanceUrl: origin(r.url('GITLAB_INSTANCE_URL', gitlabUrl, ['http', 'https'])!),
        }
      : undefined,
    pagure: pagureToken
      ? {
          url: pagureUrl,
          token: pagureToken,
          instanceUrl: origin(r.url('PAGURE_INSTANCE_URL', pagureUrl, ['http', 'https'])!),
        }
      : undefined,
  };
}

export interface ProjectCoordinates {
  forge: string;
  instanceUrl: string;
  namespace: string;
  repo: string;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** The Fedora account group of packagers, as dist-git (Pagure) lists its members. */
export const PACKAGER_GROUP = 'packager';

/** Who may run each command on a dist-git pull request (Packit's checks of the same commands). */
const DIST_GIT_COMMAND_RULES: Record<string, { write: boolean }> = {
  'koji-build': { write: false },
  'pull-from-upstream': { write: false },
  'create-update': { write: true },
};

/** The forge driver of this deployment's identity for a project's forge. */
export class ForgeRegistry {
  private github?: GithubForge;
  private gitlab?: GitlabForge;
  private pagure?: PagureForge;

  constructor(private readonly config: Readonly<ForgeIdentities>) {}

  for(project: ProjectCoordinates): ForgeClient {
    if (project.forge === 'github') {
      if (!this.config.github)
        throw new NotConfiguredError('no GitHub App is configured (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY)', [
          'GITHUB_APP_ID',
          'GITHUB_APP_PRIVATE_KEY',
        ]);
      this.github ??= new GithubForge({
        appId: this.config.github.appId,
        privateKey: this.config.github.privateKey,
        baseUrl: this.config.github.apiUrl,
      });
      return this.github;
    }
    if (project.forge === 'gitlab') {
      if (!this.config.gitlab)
        throw new NotConfiguredError('no GitLab token is configured (GITLAB_TOKEN)', ['GITLAB_TOKEN']);
      this.gitlab ??= new GitlabForge({ host: this.config.gitlab.url, token: this.config.gitlab.token });
      return this.gitlab;
    }
    if (project.forge === 'pagure') {
      const pagure = this.distGit();
      if (!pagure) throw new NotConfiguredError('no Pagure token is configured (PAGURE_TOKEN)', ['PAGURE_TOKEN']);
      return pagure;
    }
    throw new ConfigurationError(`the upstream worker does not serve ${project.forge} projects`);
  }

  /**
   * The driver of this deployment's Pagure (Fedora dist-git) identity, undefined without
   * one: the one PagureForge every dist-git job, flag and command goes through.
   */
  distGit(): PagureForge | undefined {
    if (!this.config.pagure) return undefined;
    this.pagure ??= new PagureForge({ instanceUrl: this.config.pagure.url, token: this.config.pagure.token });
    return this.pagure;
  }

  /** The Pagure identity's token (git pushes to dist-git take it as their password). */
  distGitToken(): string | undefined {
    return this.config.pagure?.token;
  }

  /**
   * Whether a person may run commands on a project (comment commands, reruns from the web):
   * the forge is asked with this deployment's identity. Upstream, write access is needed.
   * On a dist-git pull request Packit's rules hold: `koji-build` and `pull-from-upstream`
   * need a Fedora packager (the `packager` group), `create-update` a packager with commit
   * access to the package. `who` says who may, for the reply.
   */
  async commandPermission(
    project: ProjectCoordinates,
    login: string,
    command?: string,
  ): Promise<{ allowed: boolean; role: string; who: string }> {
    const repo = ForgeRegistry.repo(project);
    const write = `write access to ${repo.namespace}/${repo.repo}`;
    const rule = project.forge === 'pagure' && command ? DIST_GIT_COMMAND_RULES[command] : undefined;
    if (rule) {
      const packager = (await this.distGit()!.groupMembers(PACKAGER_GROUP)).includes(login);
      const who = rule.write ? `Fedora packagers with ${write}` : 'Fedora packagers';
      if (!packager) return { allowed: false, role: 'not a packager', who };
      if (!rule.write) return { allowed: true, role: 'packager', who };
      const permission = await this.for(project).permission(repo, { login });
      return { allowed: permission.canRunCommands, role: `packager, ${permission.role}`, who };
    }
    const permission = await this.for(project).permission(repo, { login });
    return { allowed: permission.canRunCommands, role: permission.role, who: `people with ${write}` };
  }

  /** The forge instances (origins) this deployment has an identity for. */
  instances(): string[] {
    return [this.config.github?.instanceUrl, this.config.gitlab?.instanceUrl, this.config.pagure?.instanceUrl].filter(
      (x): x is string => Boolean(x),
    );
  }

  /** Whether this deployment has the identity for a project's forge instance. */
  serves(project: Pick<ProjectCoordinates, 'forge' | 'instanceUrl'>): boolean {
    const identities: Record<string, { instanceUrl: string } | undefined> = {
      github: this.config.github,
      gitlab: this.config.gitlab,
      pagure: this.config.pagure,
    };
    const identity = identities[project.forge];
    return identity !== undefined && sameOrigin(identity.instanceUrl, project.instanceUrl);
  }

  /**
   * Whether this deployment acts on an event of `project`: it has the identity for the
   * project's forge instance and, where an instance has several (two GitHub Apps on
   * github.com, two GitLab tokens on one GitLab, each its own deployment), the event is its
   * own: a GitHub webhook names the installation it was delivered for, and only the App of
   * that installation acts; on GitLab, only the deployment whose token the project lets in
   * with Developer access or more. The others acknowledge and leave it.
   */
  async owns(
    project: Pick<ProjectCoordinates, 'forge' | 'instanceUrl'> & Partial<ProjectCoordinates>,
    installationId?: number | null,
  ): Promise<boolean> {
    if (!this.serves(project)) return false;
    const { namespace, repo } = project;
    if (!namespace || !repo) return true;
    if (project.forge === 'gitlab')
      return (this.for({ ...project, namespace, repo }) as GitlabForge).canAct({ namespace, repo });
    if (project.forge !== 'github' || installationId === undefined || installationId === null) return true;
    const github = this.for({ ...project, namespace, repo }) as GithubForge;
    return github.ownsInstallation({ namespace, repo }, installationId);
  }

  static repo(project: ProjectCoordinates): RepoId {
    return { namespace: project.namespace, repo: project.repo };
  }
}
