// The pure parts of the stream ecosystem: which project is which side, the sync plan, the help reply.
import { describe, expect, it } from '@jest/globals';
import { syncOptions, type SyncOptions } from './activities/sync.activities.js';
import { streamHelpText } from './handlers/help.text.js';
import { syncPlan } from './handlers/stream.service.js';
import { distGitNamespaceOf, sourceGitNamespaceOf } from './stream.settings.js';

const options: SyncOptions = {
  pairId: '3',
  sourceGit: {
    path: 'redhat/centos-stream/src/bash',
    sourceProject: 'alice/bash',
    sourceBranch: 'fix',
    mr: 7,
    url: null,
    title: 'Fix',
  },
  distGit: { path: 'redhat/centos-stream/rpms/bash', branch: 'c10s' },
  forkBranch: 'source-git-mr-7',
};

describe('the CentOS Stream layout', () => {
  it('pairs <group>/src with <group>/rpms and nothing else', () => {
    expect(distGitNamespaceOf('redhat/centos-stream/src')).toBe('redhat/centos-stream/rpms');
    expect(sourceGitNamespaceOf('redhat/centos-stream/rpms')).toBe('redhat/centos-stream/src');
    expect(distGitNamespaceOf('redhat/centos-stream/rpms')).toBeUndefined();
    expect(sourceGitNamespaceOf('redhat/centos-stream/src')).toBeUndefined();
    expect(distGitNamespaceOf('redhat/centos-stream/srcs')).toBeUndefined();
  });
});

describe('syncPlan', () => {
  it('chains convert -> push -> merge request -> CI on the dist-git branch, each step carrying the sync options', () => {
    const plan = syncPlan(options);
    expect(plan.steps.map((s) => [s.id, s.job, s.targets])).toEqual([
      ['sync_convert', 'sync_convert', ['c10s']],
      ['sync_push', 'sync_push', ['c10s']],
      ['sync_merge_request', 'sync_merge_request', ['c10s']],
      ['sync_ci', 'sync_ci', ['c10s']],
    ]);
    expect(plan.edges).toEqual([
      { from: 'sync_convert', to: 'sync_push', target: null },
      { from: 'sync_push', to: 'sync_merge_request', target: null },
      { from: 'sync_merge_request', to: 'sync_ci', target: null },
    ]);
    expect(syncOptions(plan.steps[2])).toEqual(options);
  });

  it('refuses a step without its sync options, naming what is missing', () => {
    expect(() => syncOptions({ options: { pairId: '1' } })).toThrow('a sync step without its sync options');
  });
});

describe('streamHelpText', () => {
  it('lists the commands, and names a command it does not run', () => {
    expect(streamHelpText()).toMatch(/^packflow commands on source-git merge requests:/);
    expect(streamHelpText('koji-build')).toMatch(/^packflow does not run `koji-build` on source-git merge requests/);
    for (const c of ['/packit test', '/packit build', '/packit help']) expect(streamHelpText()).toContain(`\`${c}`);
  });
});
