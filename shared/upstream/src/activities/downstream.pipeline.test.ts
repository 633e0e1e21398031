// propose_downstream as a step of the engine, against real PostgreSQL: a release of a
// project whose config has propose_downstream for two dist-git branches is planned, run
// and reported as `propose-downstream:<branch>` check runs on the fake GitHub; each branch
// gets one pull request on the fake Pagure. A result lost in a crash (the work done, the
// process gone) is found again by the reconciler of another process without a second pull
// request, and a rerun of the pipeline updates the same pull requests.
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { LookasideClient } from '@packflow/clients';
import { FakeLookaside } from '@packflow/clients/testing';
import { loadConfig, loadReleaseTable, plan } from '@packflow/config';
import { createLogger } from '@packflow/core';
import { createEngine, type EngineActivities, type PipelineEngine } from '@packflow/engine';
import { PagureForge } from '@packflow/forges';
import { FakeGithub, FakePagure } from '@packflow/forges/testing';
import { GitWorkspace } from '@packflow/source-git';
import {
  createTestCertificates,
  createTestDatabase,
  waitFor,
  type TestCertificates,
  type TestDatabase,
} from '@packflow/testing';
import { ForgeRegistry } from '../forge/forge.registry.js';
import { UPSTREAM_KINDS } from '../model/upstream.kinds.js';
import { UpstreamRepository } from '../upstream.repository.js';
import { downstreamActivity } from './downstream.activities.js';
import { StatusReporter } from './status.reporter.js';

const logger = createLogger({ name: 'test', level: 'silent' });
const SHA = 'beef'.padEnd(40, '0');
const ARCHIVE = Buffer.from('release 2.0\n'.repeat(40));

let db: TestDatabase;
let pki: TestCertificates;
let pagure: FakePagure;
let lookaside: FakeLookaside;
let github: FakeGithub;
let archives: Server;
let workDir: string;
let activities: EngineActivities;
let projectId: string;
let commitId: string;

const CONFIG = `specfile_path: widget.spec
downstream_package_name: widget
upstream_tag_template: "widget-{version}"
jobs:
  - job: propose_downstream
    trigger: release
    dist_git_branches: [rawhide, f41]
`;

beforeAll(async () => {
  db = await createTestDatabase();
  archives = createServer((req, res) => {
    const ok = req.url === '/acme/widget/releases/widget-2.0.tar.gz';
    res.writeHead(ok ? 200 : 404);
    res.end(ok ? ARCHIVE : undefined);
  });
  await new Promise<void>((resolve) => archives.listen(0, '127.0.0.1', resolve));
  const archiveBase = `http://127.0.0.1:${(archives.address() as { port: number }).port}`;
  pki = createTestCertificates();
  lookaside = await FakeLookaside.start({ tls: { ...pki.server, clientCa: pki.ca } });
  pagure = await FakePagure.start({ tokens: { 'pagure-token-packit': 'packit' } });
  pagure.addProject('rpms/widget', {
    owner: 'maintainer',
    branches: ['rawhide', 'f41'],
    files: {
      'widget.spec': `Name: widget\nVersion: 1.0\nRelease: 2%{?dist}\nURL: ${archiveBase}/acme/widget\nSource0: %{url}/releases/%{name}-%{version}.tar.gz\n\n%prep\n%autosetup\n\n%changelog\n%autochangelog\n`,
      sources: 'SHA512 (widget-1.0.tar.gz) = 11\n',
    },
  });
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  github = await FakeGithub.start({ appId: 42, appKey: publicKey });
  github.setFile('acme/widget', SHA, '.packit.yaml', CONFIG);
  workDir = mkdtempSync(join(tmpdir(), 'downstream-pipeline-'));
  const forges = new ForgeRegistry({
    github: { appId: '42', privateKey, apiUrl: github.url, instanceUrl: 'https://github.com' },
  });
  const repository = new UpstreamRepository(db.pool());
  const reporter = new StatusReporter(forges, repository, 'http://dashboard.test', logger);
  activities = {
    jobs: {
      propose_downstream: downstreamActivity({
        pagure: new PagureForge({ instanceUrl: pagure.url, token: 'pagure-token-packit' }),
        gitBaseUrl: pagure.gitUrl('').replace(/\/\.git$/, ''),
        lookaside: new LookasideClient({
          uploadUrl: lookaside.uploadUrl,
          certPath: pki.client('packit').combinedPath,
          caPath: pki.caPath,
        }),
        workspace: new GitWorkspace(workDir, 'pagure-token-packit', 'packit'),
        gitIdentity: { name: 'packflow', email: 'packflow@example.com' },
        upstreamForge: (p) => forges.for(p),
      }),
    },
    report: (changes) => reporter.report(changes),
  };
  const { rows } = await db
    .pool()
    .query<{ id: string }>(
      `insert into shared.projects (forge, instance_url, namespace, repo) values ('github', 'https://github.com', 'acme', 'widget') returning id::text`,
    );
  projectId = rows[0].id;
  const commit = await db.pool().query<{ id: string }>(
    `with r as (insert into shared.project_refs (project_id, kind, name) values ($1, 'release', 'widget-2.0') returning id)
     insert into shared.commits (project_id, ref_id, sha) select $1, r.id, $2 from r returning id::text`,
    [projectId, SHA],
  );
  commitId = commit.rows[0].id;
});

afterAll(async () => {
  await Promise.all([pagure.close(), lookaside.close(), github.close(), new Promise((r) => archives.close(r))]);
  await db.drop();
  pki.remove();
  rmSync(workDir, { recursive: true, force: true });
});

const engineWith = (a: EngineActivities): PipelineEngine =>
  createEngine({ db: db.pool(), kinds: UPSTREAM_KINDS, activities: a, logger });

function releasePlan() {
  const releases = loadReleaseTable();
  const loaded = loadConfig(CONFIG, '.packit.yaml', { releases });
  return plan(loaded.config!, { kind: 'release', tag: 'widget-2.0' }, releases);
}

const widgetPrs = () => pagure.pullRequests.filter((p) => p.project === 'rpms/widget');
const check = (name: string) => github.checkRuns.filter((c) => c.name === name && c.headSha === SHA).at(-1);

describe('propose_downstream on the engine', () => {
  it('a release with two dist-git branches: two pull requests with the new version, reported as propose-downstream checks', async () => {
    const engine = engineWith(activities);
    const pipelineId = await engine.start(releasePlan(), { projectId, commitId, trigger: 'release' });
    const state = await engine.getState(pipelineId);
    expect(state.steps.map((s) => [s.job, s.targets.map((t) => t.status)])).toEqual([
      ['propose_downstream', ['success', 'success']],
    ]);
    expect(
      widgetPrs()
        .map((p) => [p.branch, p.title])
        .sort(),
    ).toEqual([
      ['f41', 'Update to 2.0 upstream release'],
      ['rawhide', 'Update to 2.0 upstream release'],
    ]);
    for (const branch of ['rawhide', 'f41']) {
      const spec = pagure.git.show(
        'forks/packit/rpms/widget',
        `2.0-${branch}-update-propose_downstream`,
        'widget.spec',
      );
      expect(spec).toContain('Version: 2.0\nRelease: 1%{?dist}\n');
      expect(spec).toContain('%changelog\n%autochangelog\n');
    }
    expect(lookaside.file('widget', 'widget-2.0.tar.gz')?.content).toEqual(ARCHIVE);
    await waitFor(() => ['rawhide', 'f41'].every((b) => check(`propose-downstream:${b}`)?.conclusion === 'success'), {
      what: 'propose-downstream check runs to succeed',
    });
  });

  it('a result lost in a crash: another process polls, finds the work done and opens no second pull request; a rerun updates the same ones', async () => {
    const before = widgetPrs().length;
    const job = activities.jobs.propose_downstream!;
    const crashing = engineWith({
      ...activities,
      jobs: {
        propose_downstream: {
          ...job,
          submit: async (t) => (await job.submit(t)).map(({ done: _lost, ...rest }) => rest),
        },
      },
    });
    const pipelineId = await crashing.start(releasePlan(), { projectId, commitId, trigger: 'release' });
    const statuses = async (engine: PipelineEngine) =>
      (await engine.getState(pipelineId)).steps[0].targets.map((t) => t.status);
    expect(await statuses(crashing)).toEqual(['queued', 'queued']);
    // Its reports are out (recording a check run's id locks the target's row a moment, and
    // the reconciler skips a locked target until its next pass).
    await crashing.idle();
    await db.pool().query(`update upstream.job_run_targets set deadline_at = now() where status = 'queued'`);

    const engine = engineWith(activities);
    await engine.reconcile();
    await waitFor(async () => (await statuses(engine)).every((s) => s === 'success'), { what: 'the lost results' });
    expect(widgetPrs().length).toBe(before);

    const rerun = await engine.rerunPipeline(pipelineId);
    await waitFor(async () => (await engine.getState(rerun)).steps[0].targets.every((t) => t.status === 'success'), {
      what: 'the rerun',
    });
    expect(widgetPrs().length).toBe(before);
  });
});
