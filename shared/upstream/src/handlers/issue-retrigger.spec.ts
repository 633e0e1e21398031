// What an upstream issue about a failed Fedora job names (the dist-git and its branches,
// as Packit's issues write them), and a plan cut to those branches.
import { describe, expect, it } from '@jest/globals';
import type { Plan } from '@packflow/config';
import { onlyBranches, retriggerTargetOf } from './issue-retrigger.js';

// The description of ../shared/fixtures/webhooks/github/repository_issue_comment_retrigger_koji_build.json.
const PACKIT_ISSUE =
  'Packit failed on creating pull-requests in dist-git (https://src.fedoraproject.org/rpms/python-teamcity-messages):' +
  '| dist-git branch | error || --------------- | ----- || `f37` | `` |' +
  'You can retrigger the update by adding a comment (`/packit propose-downstream`) into this issue.';

describe('retriggerTargetOf', () => {
  it("reads the dist-git and the failed branches of Packit's issue", () => {
    expect(retriggerTargetOf(PACKIT_ISSUE)).toEqual({
      instanceUrl: 'https://src.fedoraproject.org',
      namespace: 'rpms',
      repo: 'python-teamcity-messages',
      branches: ['f37'],
    });
  });

  it('takes a .git URL and several branches, each once', () => {
    const text =
      'Koji build failed in dist-git (https://src.fedoraproject.org/rpms/x.git):\n| `f41` | a |\n| `rawhide` | b |\n| `f41` | c |';
    expect(retriggerTargetOf(text)).toMatchObject({ repo: 'x', branches: ['f41', 'rawhide'] });
  });

  it('is undefined for an issue that names no dist-git or no branch', () => {
    expect(retriggerTargetOf('The build is broken')).toBeUndefined();
    expect(retriggerTargetOf('see dist-git (https://src.fedoraproject.org/rpms/x)')).toBeUndefined();
    expect(retriggerTargetOf(null)).toBeUndefined();
  });
});

describe('onlyBranches', () => {
  it('cuts targets to the branches and drops steps and edges left without one', () => {
    const plan: Plan = {
      steps: [
        {
          id: 'koji',
          package: null,
          job: 'koji_build',
          identifier: null,
          trigger: 'commit',
          targets: ['f41', 'f42'],
          options: {},
        },
        {
          id: 'bodhi',
          package: null,
          job: 'bodhi_update',
          identifier: null,
          trigger: 'koji_build',
          targets: ['f41'],
          options: {},
        },
      ],
      edges: [{ from: 'koji', to: 'bodhi', target: 'f41' }],
      skipped: [],
    };
    expect(onlyBranches(plan, ['f42'])).toEqual({
      steps: [{ ...plan.steps[0], targets: ['f42'] }],
      edges: [],
      skipped: [],
    });
    expect(onlyBranches(plan, ['f41']).edges).toEqual(plan.edges);
  });
});
