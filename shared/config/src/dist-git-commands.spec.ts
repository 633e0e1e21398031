// Comment commands on a dist-git pull request, through planning: each runs its own job for
// the pull request's target branch (Packit's dist-git commands), and the upstream commands
// run nothing there.
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config.loader.js';
import { commentCommandIn } from './plan-event.mapper.js';
import type { PlanEvent } from './plan-event.types.js';
import { plan } from './plan.planner.js';
import { testReleases } from './testing.releases.js';

const releases = testReleases();
const CONFIG = `
jobs:
  - {job: pull_from_upstream, trigger: release, dist_git_branches: [rawhide, f42]}
  - {job: koji_build, trigger: commit, dist_git_branches: [rawhide, f42]}
  - {job: bodhi_update, trigger: koji_build, dist_git_branches: [f42]}
`;

function planComment(text: string, branch = 'f42') {
  const loaded = loadConfig(CONFIG, '.packit.yaml', { releases });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const event: PlanEvent = {
    kind: 'comment',
    commentOn: 'pull_request',
    repository: 'dist-git',
    branch,
    comment: commentCommandIn(text),
  };
  return plan(loaded.config!, event, releases);
}

const steps = (p: ReturnType<typeof planComment>) => p.steps.map((s) => [s.job, s.targets]);

describe('commands on a dist-git pull request', () => {
  it('/packit koji-build builds the target branch, and the Bodhi update follows the build', () => {
    const p = planComment('/packit koji-build');
    expect(steps(p)).toEqual([
      ['koji_build', ['f42']],
      ['bodhi_update', ['f42']],
    ]);
  });

  it('/packit create-update runs the Bodhi job of the branch alone', () => {
    expect(steps(planComment('/packit create-update'))).toEqual([['bodhi_update', ['f42']]]);
    const rawhide = planComment('/packit create-update', 'rawhide');
    expect(rawhide.steps).toEqual([]);
    expect(rawhide.skipped.find((s) => s.job === 'bodhi_update')?.reason).toMatch(
      /dist-git branch rawhide is not one of dist_git_branches \(f42\)/,
    );
  });

  it('/packit pull-from-upstream runs pull_from_upstream for the target branch', () => {
    expect(steps(planComment('/packit pull-from-upstream --version 2.0', 'rawhide'))).toEqual([
      ['pull_from_upstream', ['rawhide']],
    ]);
  });

  it('upstream commands run nothing on a dist-git pull request, and say so', () => {
    const p = planComment('/packit build');
    expect(p.steps).toEqual([]);
    expect(p.skipped[0].reason).toMatch(/runs on upstream repositories; on dist-git pull requests packflow runs/);
  });
});
