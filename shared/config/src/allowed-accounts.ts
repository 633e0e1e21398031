// Who may start a dist-git job, as Packit reads its accounts lists: koji_build's
// `allowed_committers` (a direct push) and `allowed_pr_authors` (a merged pull request), and
// bodhi_update's `allowed_builders` (the owner of a finished Koji build). One reading for
// all three: an entry is a FAS account, `@group` (its members), `all_admins` (the dist-git
// project's owner and admins), `all_committers` (also those with commit access) or
// `packit` (Packit's account, and this service's own: the account packflow acts as, which
// replaces Packit's). Defaults are Packit's: pull requests and Koji builds by `packit`
// only, no direct pushes.
import type { JobConfig } from './config.types.js';
import type { AccountFacts, PushedBy } from './plan-event.types.js';

export const DEFAULT_ALLOWED_PR_AUTHORS = ['packit'];
export const DEFAULT_ALLOWED_COMMITTERS: string[] = [];
export const DEFAULT_ALLOWED_BUILDERS = ['packit'];

export type AccountsList = 'allowed_pr_authors' | 'allowed_committers' | 'allowed_builders';

const DEFAULTS: Record<AccountsList, string[]> = {
  allowed_pr_authors: DEFAULT_ALLOWED_PR_AUTHORS,
  allowed_committers: DEFAULT_ALLOWED_COMMITTERS,
  allowed_builders: DEFAULT_ALLOWED_BUILDERS,
};
const ADMINS = ['owner', 'admin'];
const COMMITTERS = [...ADMINS, 'commit', 'collaborator'];
const ROLE_ALIASES = ['all_admins', 'all_committers'];

/** One accounts list of a job: its option, or Packit's default when the job sets none. */
export function accountsListOf(job: Pick<JobConfig, 'options'>, key: AccountsList): string[] {
  const value = job.options[key];
  return Array.isArray(value) ? value.map(String) : DEFAULTS[key];
}

/** The accounts list that decides a push: pull request authors for a merged pull request, committers otherwise. */
export function allowedAccountsOf(job: Pick<JobConfig, 'options'>, pushedBy: PushedBy): string[] {
  return accountsListOf(job, pushedBy.via === 'pull_request' ? 'allowed_pr_authors' : 'allowed_committers');
}

/** What the forge must be asked to decide on these lists: the `@group` names, and whether a role alias needs the role. */
export function accountQuestionsOf(lists: string[][]): { groups: string[]; role: boolean } {
  const entries = lists.flat();
  return {
    groups: [...new Set(entries.filter((n) => n.startsWith('@')).map((n) => n.slice(1)))],
    role: entries.some((n) => ROLE_ALIASES.includes(n)),
  };
}

/** Whether one entry of an accounts list covers the person. */
function covers(entry: string, who: AccountFacts): boolean {
  if (entry === 'all_admins') return ADMINS.includes(who.role);
  if (entry === 'all_committers') return COMMITTERS.includes(who.role);
  if (entry.startsWith('@')) return who.groups.includes(entry.slice(1));
  if (entry === 'packit' && who.service !== undefined && who.login === who.service) return true;
  return entry === who.login;
}

/** Why the person is not covered by the list (`<login>, who is not among <key> (<list>)`), or undefined when they are. */
export function accountReason(list: string[], key: AccountsList, who: AccountFacts): string | undefined {
  if (list.some((entry) => covers(entry, who))) return undefined;
  return `${who.login}, who is not among ${key} (${list.length > 0 ? list.join(', ') : 'nobody'})`;
}

/** Why koji_build does not build this push (who pushed is not allowed), or undefined when it does. */
export function pushAccountReason(job: Pick<JobConfig, 'options'>, who: PushedBy): string | undefined {
  const key = who.via === 'pull_request' ? 'allowed_pr_authors' : 'allowed_committers';
  const reason = accountReason(accountsListOf(job, key), key, who);
  if (!reason) return undefined;
  return who.via === 'pull_request'
    ? `the merged pull request #${who.pullRequest ?? '?'} is by ${reason}`
    : `the push is by ${reason}`;
}
