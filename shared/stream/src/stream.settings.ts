// The deployment settings the stream ecosystem runs on (part of the stream worker's config).

export interface StreamSettings {
  /** The stream deployment's GitLab identity: API at `url`, serving projects on `instanceUrl`. */
  gitlab: { url: string; token: string; instanceUrl: string };
  /** Where the identity's forks of dist-git projects live (its user namespace, usually). */
  forkNamespace: string;
  /** Local directory for the git work trees of syncs (one per merge request pair). */
  workDir: string;
  /** Author and committer of the commits the worker makes. */
  gitIdentity: { name: string; email: string };
  /** The dashboard, for links on commit statuses. */
  dashboardUrl: string;
}

/**
 * CentOS Stream's layout: source-git `<group>/src/<pkg>` belongs with dist-git
 * `<group>/rpms/<pkg>`. Returns the other side's namespace, or undefined for a project
 * that is neither.
 */
export function distGitNamespaceOf(sourceGitNamespace: string): string | undefined {
  return sourceGitNamespace.endsWith('/src') ? `${sourceGitNamespace.slice(0, -'/src'.length)}/rpms` : undefined;
}

export function sourceGitNamespaceOf(distGitNamespace: string): string | undefined {
  return distGitNamespace.endsWith('/rpms') ? `${distGitNamespace.slice(0, -'/rpms'.length)}/src` : undefined;
}
