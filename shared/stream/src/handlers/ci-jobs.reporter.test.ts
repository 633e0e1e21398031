// CiJobsReporter against the fake GitLab (through the real GitlabForge): one commit status
// per dist-git CI job on the source-git commit, allowed failures reported as passed with a
// title saying so, and hooks delivered late or for an older attempt never setting a job back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLogger } from '@packflow/core';
import { GitlabForge } from '@packflow/forges';
import { FakeGitlab } from '@packflow/forges/testing';
import { CiJobsReporter, type CiJob } from './ci-jobs.reporter.js';

const SHA = '3b18e512dba79e4c8300dd08aeb37f8e728b8dad';
const SRC = { namespace: 'redhat/centos-stream/src', repo: 'hello' };
const RPMS = 'redhat/centos-stream/rpms/hello';

let gitlab: FakeGitlab;
let reporter: CiJobsReporter;
beforeAll(async () => {
  gitlab = await FakeGitlab.start({ token: 'stream-token' });
  reporter = new CiJobsReporter(
    new GitlabForge({ host: gitlab.url, token: 'stream-token' }),
    createLogger({ name: 'test', level: 'silent' }),
  );
});
afterAll(() => gitlab.close());

const report = (jobs: CiJob[]) =>
  reporter.report({ instanceUrl: 'https://gitlab.com', distGitPath: RPMS, jobs, sourceGit: SRC, sha: SHA });
const job = (id: string, name: string, status: string, allowFailure = false): CiJob => ({
  id,
  name,
  stage: 'test',
  status,
  allowFailure,
});
const statuses = (name: string) =>
  gitlab
    .statusesFor('redhat/centos-stream/src/hello', SHA)
    .filter((s) => s.name === name)
    .map((s) => ({ status: s.status, url: s.targetUrl, history: s.history.map((h) => h.status) }));

describe('CiJobsReporter', () => {
  it('reports each job as its own status, an allowed failure as passed, and leaves manual jobs until they run', async () => {
    await report([
      job('11', 'rpminspect', 'running'),
      job('12', 'rpmlint', 'failed', true),
      job('13', 'gate', 'manual'),
    ]);
    expect(statuses('dist-git CI: rpminspect')).toEqual([
      { status: 'running', url: `https://gitlab.com/${RPMS}/-/jobs/11`, history: ['running'] },
    ]);
    expect(gitlab.status('redhat/centos-stream/src/hello', SHA, 'dist-git CI: rpmlint')).toMatchObject({
      status: 'success',
      description: 'test: rpmlint failed (allowed to fail)',
    });
    expect(statuses('dist-git CI: gate')).toEqual([]);
  });

  it('never sets a job back: a late hook of the same job, or one of an older attempt, changes nothing', async () => {
    await report([job('11', 'rpminspect', 'failed')]);
    await report([job('11', 'rpminspect', 'running')]);
    expect(statuses('dist-git CI: rpminspect')).toEqual([
      { status: 'failed', url: `https://gitlab.com/${RPMS}/-/jobs/11`, history: ['running', 'failed'] },
    ]);
    // A retried job (a new id) is reported as a new status; the older attempt's late hook is left.
    await report([job('14', 'rpminspect', 'pending')]);
    await report([job('11', 'rpminspect', 'failed')]);
    await report([job('14', 'rpminspect', 'success')]);
    expect(statuses('dist-git CI: rpminspect').map((s) => [s.status, s.url])).toEqual([
      ['failed', `https://gitlab.com/${RPMS}/-/jobs/11`],
      ['success', `https://gitlab.com/${RPMS}/-/jobs/14`],
    ]);
  });
});
