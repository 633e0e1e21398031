// Packit's accounts lists: koji_build's allowed_committers / allowed_pr_authors through
// planning (who a dist-git push is by decides whether it is built, with Packit's defaults:
// pull requests by packit only, no direct pushes), and bodhi_update's allowed_builders read
// the same way (groups, the all_admins / all_committers aliases, `packit`).
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import { accountQuestionsOf, accountReason, accountsListOf } from './allowed-accounts.js';
import type { AccountFacts, PlanEvent, PushedBy } from './plan-event.types.js';
import { plan } from './plan.planner.js';
import { testReleases } from './testing.releases.js';

const releases = testReleases();

function planPush(jobExtra: string, pushedBy?: PushedBy) {
  const text = `jobs:\n  - {job: koji_build, trigger: commit, dist_git_branches: [rawhide]${jobExtra}}\n`;
  const loaded = loadConfig(text, '.packit.yaml', { releases });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const event: PlanEvent = {
    kind: 'push',
    branch: 'rawhide',
    repository: 'dist-git',
    ...(pushedBy ? { pushedBy } : {}),
  };
  const p = plan(loaded.config!, event, releases);
  return { built: p.steps.length > 0, reasons: p.skipped.map((s) => s.reason) };
}

const push = (login: string, extra: Partial<PushedBy> = {}): PushedBy => ({
  via: 'push',
  login,
  groups: [],
  role: 'none',
  ...extra,
});
const merged = (login: string, extra: Partial<PushedBy> = {}): PushedBy => ({
  via: 'pull_request',
  login,
  pullRequest: 7,
  groups: [],
  role: 'none',
  ...extra,
});

describe('koji_build: who a dist-git push is by', () => {
  it("builds merged pull requests by packit and no direct push, by default (Packit's defaults)", () => {
    expect(planPush('', merged('packit')).built).toBe(true);
    expect(planPush('', merged('alice'))).toEqual({
      built: false,
      reasons: ['the merged pull request #7 is by alice, who is not among allowed_pr_authors (packit)'],
    });
    expect(planPush('', push('packit'))).toEqual({
      built: false,
      reasons: ['the push is by packit, who is not among allowed_committers (nobody)'],
    });
  });

  it('reads allowed_committers for direct pushes and allowed_pr_authors for merged pull requests', () => {
    const lists = ', allowed_committers: [alice], allowed_pr_authors: [bob]';
    expect(planPush(lists, push('alice')).built).toBe(true);
    expect(planPush(lists, push('bob')).built).toBe(false);
    expect(planPush(lists, merged('bob')).built).toBe(true);
    expect(planPush(lists, merged('alice')).built).toBe(false);
  });

  it('takes @groups and the all_admins / all_committers aliases', () => {
    expect(planPush(', allowed_committers: ["@rust-sig"]', push('carol', { groups: ['rust-sig'] })).built).toBe(true);
    expect(planPush(', allowed_committers: ["@rust-sig"]', push('carol')).built).toBe(false);
    expect(planPush(', allowed_committers: [all_admins]', push('dan', { role: 'admin' })).built).toBe(true);
    expect(planPush(', allowed_committers: [all_admins]', push('dan', { role: 'commit' })).built).toBe(false);
    expect(planPush(', allowed_pr_authors: [all_committers]', merged('erin', { role: 'commit' })).built).toBe(true);
    expect(planPush(', allowed_pr_authors: [all_committers]', merged('erin', { role: 'ticket' })).built).toBe(false);
  });

  it('leaves no push out when who pushed is not known (packflow plan without the forge)', () => {
    expect(planPush('').built).toBe(true);
  });
});

describe("bodhi_update's allowed_builders: the same reading as the push lists", () => {
  const job = (list?: string[]) => ({ options: list ? { allowed_builders: list } : {} });
  const owner = (login: string, extra: Partial<AccountFacts> = {}): AccountFacts => ({
    login,
    groups: [],
    role: 'none',
    ...extra,
  });
  const reason = (list: string[] | undefined, who: AccountFacts) =>
    accountReason(accountsListOf(job(list), 'allowed_builders'), 'allowed_builders', who);

  it("defaults to Packit's ['packit'], which names packflow's own account too", () => {
    expect(accountsListOf(job(), 'allowed_builders')).toEqual(['packit']);
    expect(reason(undefined, owner('packit'))).toBeUndefined();
    expect(reason(undefined, owner('packflow-bot', { service: 'packflow-bot' }))).toBeUndefined();
    expect(reason(undefined, owner('alice', { service: 'packflow-bot' }))).toBe(
      'alice, who is not among allowed_builders (packit)',
    );
  });

  it('takes accounts, @groups and the all_admins / all_committers aliases', () => {
    expect(reason(['alice'], owner('alice'))).toBeUndefined();
    expect(reason(['@rust-sig'], owner('carol', { groups: ['rust-sig'] }))).toBeUndefined();
    expect(reason(['@rust-sig'], owner('carol'))).toBe('carol, who is not among allowed_builders (@rust-sig)');
    expect(reason(['all_admins'], owner('dan', { role: 'owner' }))).toBeUndefined();
    expect(reason(['all_admins'], owner('dan', { role: 'commit' }))).toBeDefined();
    expect(reason(['all_committers'], owner('erin', { role: 'commit' }))).toBeUndefined();
    expect(reason(['all_committers'], owner('erin', { role: 'ticket' }))).toBeDefined();
  });

  it('asks the forge only what the entries need', () => {
    expect(accountQuestionsOf([['alice', 'packit']])).toEqual({ groups: [], role: false });
    expect(
      accountQuestionsOf([
        ['@a', 'all_admins'],
        ['@a', '@b'],
      ]),
    ).toEqual({ groups: ['a', 'b'], role: true });
  });
});
