import { describe, expect, it } from '@jest/globals';
import type { PipelineView } from '@packflow/core';
import { coprProjectName } from './activity-context.js';

const view = (instanceUrl: string, namespace: string, ref: { kind: string; name: string }) =>
  ({ project: { id: '1', forge: 'x', instanceUrl, namespace, repo: 'hello' }, ref }) as unknown as PipelineView;

describe('coprProjectName', () => {
  it('names GitHub projects by namespace, repository and pull request, as Packit does', () => {
    expect(coprProjectName(view('https://github.com', 'packit', { kind: 'pull_request', name: '3' }), {})).toBe(
      'packit-hello-3',
    );
  });

  it('puts the host in front for other forges, so the same path on GitLab is another project', () => {
    expect(coprProjectName(view('https://gitlab.com', 'packit', { kind: 'pull_request', name: '3' }), {})).toBe(
      'gitlab.com-packit-hello-3',
    );
    expect(coprProjectName(view('https://gitlab.com', 'redhat/group', { kind: 'branch', name: 'main' }), {})).toBe(
      'gitlab.com-redhat-group-hello-main',
    );
  });

  it('uses the project the job names, and one project for all releases', () => {
    expect(
      coprProjectName(view('https://github.com', 'packit', { kind: 'pull_request', name: '3' }), {
        project: 'my-copr',
      }),
    ).toBe('my-copr');
    expect(coprProjectName(view('https://github.com', 'packit', { kind: 'release', name: 'v1' }), {})).toBe(
      'packit-hello-releases',
    );
  });
});
