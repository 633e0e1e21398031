// koji_build's `allowed_committers` and `allowed_pr_authors`, as Packit reads them: a push
// to dist-git builds when its committer is allowed, a merged dist-git pull request when
// its author is. An entry is a FAS account, `@group` (its members), `all_admins` (the
// project's owner and admins) or `all_committers` (also those with commit access).
// Defaults are Packit's: only pull requests by `packit`, no direct pushes.
import type { JobConfig } from './config.types.js';
import type { PushedBy } from './plan-event.types.js';

export const DEFAULT_ALLOWED_PR_AUTHORS = ['packit'];
export const DEFAULT_ALLOWED_COMMITTERS: string[] = [];

const ADMINS = ['owner', 'admin'];
const COMMITTERS = [...ADMINS, 'commit', 'collaborator'];

/** The accounts list that decides a push: pull request authors for a merged pull request, committers otherwise. */
export function allowedAccountsOf(job: Pick<JobConfig, 'options'>, pushedBy: PushedBy): string[] {
  const key = pushedBy.via === 'pull_request' ? 'allowed_pr_authors' : 'allowed_committers';
  const value = job.options[key];
  if (Array.isArray(value)) return value.map(String);
  return pushedBy.via === 'pull_request' ? DEFAULT_ALLOWED_PR_AUTHORS : DEFAULT_ALLOWED_COMMITTERS;
}

/** The `@group` names of both lists, for the caller to ask the forge about their members. */
export function allowedGroupsOf(job: Pick<JobConfig, 'options'>): string[] {
  const names = ['allowed_pr_authors', 'allowed_committers'].flatMap((key) =>
    Array.isArray(job.options[key]) ? (job.options[key] as unknown[]).map(String) : [],
  );
  return names.filter((n) => n.startsWith('@')).map((n) => n.slice(1));
}

/** Whether one entry of an accounts list covers the person. */
function covers(entry: string, who: PushedBy): boolean {
  if (entry === 'all_admins') return ADMINS.includes(who.role);
  if (entry === 'all_committers') return COMMITTERS.includes(who.role);
  if (entry.startsWith('@')) return who.groups.includes(entry.slice(1));
  return entry === who.login;
}

/** Why koji_build does not build this push (who pushed is not allowed), or undefined when it does. */
export function pushAccountReason(job: Pick<JobConfig, 'options'>, who: PushedBy): string | undefined {
  const list = allowedAccountsOf(job, who);
  if (list.some((entry) => covers(entry, who))) return undefined;
  const shown = list.length > 0 ? list.join(', ') : 'nobody';
  return who.via === 'pull_request'
    ? `the merged pull request #${who.pullRequest ?? '?'} is by ${who.login}, who is not among allowed_pr_authors (${shown})`
    : `the push is by ${who.login}, who is not among allowed_committers (${shown})`;
}
