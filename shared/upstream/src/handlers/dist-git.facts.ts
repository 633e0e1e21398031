// What the upstream side asks Fedora dist-git (Pagure) to read Packit's accounts lists
// (allowed_committers, allowed_pr_authors, allowed_builders): the person's membership of
// the lists' `@groups` and, when a list says `all_admins` / `all_committers`, their role on
// the package's project; nothing is asked that no entry needs. A push that merged a pull
// request names it in the message when Pagure says so; else the pull request is found as
// Packit finds it, by the pushed commit (its head, or a parent of the merge commit).
import {
  accountQuestionsOf,
  accountsListOf,
  type AccountFacts,
  type PackitConfig,
  type PushedBy,
} from '@packflow/config';
import type { EventOfType } from '@packflow/events';
import type { PagureForge, RepoId } from '@packflow/forges';

/** The facts about one login that these accounts lists need, asked of dist-git. */
export async function accountFactsOf(
  pagure: PagureForge | undefined,
  repo: RepoId,
  login: string,
  lists: string[][],
  service?: string,
): Promise<AccountFacts> {
  const questions = accountQuestionsOf(lists);
  const groups: string[] = [];
  if (pagure)
    for (const group of questions.groups) if ((await pagure.groupMembers(group)).includes(login)) groups.push(group);
  const role = pagure && questions.role ? (await pagure.permission(repo, { login })).role : 'none';
  return { login, groups, role, ...(service !== undefined ? { service } : {}) };
}

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
  const key = pr ? 'allowed_pr_authors' : 'allowed_committers';
  const lists = jobs.map((j) => accountsListOf(j, key));
  // `packit` names this service's own dist-git account too (the pull requests it opens).
  const service = lists.some((l) => l.includes('packit')) ? await pagure.whoami() : undefined;
  const facts = await accountFactsOf(pagure, repo, login, lists, service);
  return pr ? { via: 'pull_request', pullRequest: pr.id, ...facts } : { via: 'push', ...facts };
}
