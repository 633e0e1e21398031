// What the upstream handler asks Fedora dist-git (Pagure) before planning a dist-git
// event: who a push is by, for koji_build's allowed_committers and allowed_pr_authors.
// A push that merged a pull request names it in the message when Pagure says so; else the
// pull request is found as Packit finds it, by the pushed commit (its head, or a parent of
// the merge commit). Nothing is asked when no koji_build job would read the answer.
import { allowedGroupsOf, type PackitConfig, type PushedBy } from '@packflow/config';
import type { EventOfType } from '@packflow/events';
import type { PagureForge, RepoId } from '@packflow/forges';

const ALIASES = ['all_admins', 'all_committers'];

export async function pushedByOf(
  pagure: PagureForge,
  event: EventOfType<'push.branch'>,
  config: PackitConfig,
): Promise<PushedBy | undefined> {
  const jobs = config.jobs.filter((j) => j.type === 'koji_build');
  if (jobs.length === 0) return undefined;
  const repo: RepoId = { namespace: event.project.namespace, repo: event.project.repo };
  const pr = event.push.pullRequest
    ? await pagure.pullRequest(repo, event.push.pullRequest)
    : await pagure.mergedPullRequestOf(repo, event.sha);
  const login = pr ? pr.user.name : (event.actor ?? '');
  const groups: string[] = [];
  for (const group of new Set(jobs.flatMap(allowedGroupsOf)))
    if ((await pagure.groupMembers(group)).includes(login)) groups.push(group);
  const lists = jobs.flatMap((j) => ['allowed_pr_authors', 'allowed_committers'].map((k) => j.options[k]));
  const aliased = lists.some((l) => Array.isArray(l) && l.some((e) => ALIASES.includes(String(e))));
  const role = aliased ? (await pagure.permission(repo, { login })).role : 'none';
  return pr ? { via: 'pull_request', login, pullRequest: pr.id, groups, role } : { via: 'push', login, groups, role };
}
