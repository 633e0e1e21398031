// Which pipelines one engine's reconciler looks after. Several upstream deployments may
// serve one forge instance (two GitHub Apps on github.com, two GitLab tokens), so a
// pipeline records the deployment that started it (`owner`) and only that deployment's
// reconciler resumes it. Pipelines from before owners were recorded are taken by the
// forge instances a deployment serves, as before.

/** The reconciler's scope: absent fields do not narrow it. */
export interface OwnerScope {
  /** Forge instances (origins) whose projects' unowned pipelines this reconciler takes. */
  instances?: readonly string[];
  /** This deployment: the pipelines it owns are its own. */
  owner?: string;
}

/**
 * SQL condition: pipeline `p` of project `pr` is in the scope given as parameters
 * `instances` (text[]) and `owner` (text), either null for "any".
 */
export function inScopeSql(instances: string, owner: string): string {
  return `(p.owner = ${owner}::text
           or ((p.owner is null or ${owner}::text is null)
               and (${instances}::text[] is null or pr.instance_url = any(${instances}::text[]))))`;
}

/** The parameters of inScopeSql, in order. */
export const scopeParams = (scope: OwnerScope): [readonly string[] | null, string | null] => [
  scope.instances ?? null,
  scope.owner ?? null,
];
