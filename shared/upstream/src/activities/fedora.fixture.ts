// The Fedora activity tests' common ground (koji_build, bodhi_update, side tags): a database
// of their own, test certificates, the fake Koji hub on TLS (packflow's client certificate is
// its user `packit`), the fake Bodhi asking it about builds and tags, and the fake Pagure of
// dist-git (packflow's token is `packit` there too); the real clients on them with packflow's
// credentials, an engine on the test database, and a dist-git commit's rows.
// `fedoraFixture()` registers the jest hooks and hands back one object whose fields are set
// once they ran.
import { afterAll, beforeAll } from '@jest/globals';
import type pg from 'pg';
import { BodhiClient, KojiClient } from '@packflow/clients';
import { FakeBodhi, FakeKoji, type FakeKojiOptions } from '@packflow/clients/testing';
import { createEngine, type EngineActivities, type PipelineEngine } from '@packflow/engine';
import { PagureForge } from '@packflow/forges';
import { FakePagure } from '@packflow/forges/testing';
import {
  createTestCertificates,
  createTestDatabase,
  type TestCertificates,
  type TestDatabase,
} from '@packflow/testing';
import { UPSTREAM_KINDS } from '../model/upstream.kinds.js';

export interface FedoraFixture {
  pool: pg.Pool;
  koji: FakeKoji;
  bodhi: FakeBodhi;
  pagure: FakePagure;
  /** A new Koji client logged in with packflow's certificate (a new worker's). */
  kojiClient(): KojiClient;
  /** A new Bodhi client with packflow's OIDC client credentials. */
  bodhiClient(): BodhiClient;
  /** A new Pagure forge with packflow's token. */
  pagureForge(): PagureForge;
  /** An engine on the test database with the upstream ecosystem's item kinds. */
  newEngine(activities: EngineActivities): PipelineEngine;
  /** The rows of a commit to dist-git `rpms/<repo>`'s branch: the pipeline context of a run on it. */
  distGitCommit(
    repo: string,
    branch: string,
    sha: string,
    trigger: string,
  ): Promise<{ projectId: string; commitId: string; trigger: string }>;
}

/** `koji`: the fake hub's build targets and tag inheritance, as the test needs them. */
export function fedoraFixture(koji: Pick<FakeKojiOptions, 'targets' | 'inheritance'>): FedoraFixture {
  let db: TestDatabase;
  let pki: TestCertificates;
  const one = async (text: string, params: unknown[]) => (await f.pool.query<{ id: string }>(text, params)).rows[0].id;
  const f = {
    kojiClient: () =>
      new KojiClient({
        hubUrl: f.koji.hubUrl,
        auth: { kind: 'certificate', certPath: pki.client('packit').combinedPath },
        serverCaPath: pki.caPath,
      }),
    bodhiClient: () =>
      new BodhiClient({
        baseUrl: f.bodhi.url,
        oidc: { tokenUrl: f.bodhi.tokenUrl, clientId: 'packflow-bodhi', clientSecret: 'oidc-secret' },
      }),
    pagureForge: () => new PagureForge({ instanceUrl: f.pagure.url, token: 'pagure-token' }),
    newEngine: (activities) => createEngine({ db: f.pool, kinds: UPSTREAM_KINDS, activities }),
    async distGitCommit(repo, branch, sha, trigger) {
      const projectId = await one(
        `insert into shared.projects (forge, instance_url, namespace, repo) values ('pagure', 'https://src.fedoraproject.org', 'rpms', $1) returning id::text`,
        [repo],
      );
      const refId = await one(
        `insert into shared.project_refs (project_id, kind, name) values ($1, 'branch', $2) returning id::text`,
        [projectId, branch],
      );
      const commitId = await one(
        `insert into shared.commits (project_id, ref_id, sha) values ($1, $2, $3) returning id::text`,
        [projectId, refId, sha],
      );
      return { projectId, commitId, trigger };
    },
  } as FedoraFixture;

  beforeAll(async () => {
    db = await createTestDatabase();
    f.pool = db.pool();
    pki = createTestCertificates();
    f.koji = await FakeKoji.start({ tls: { ...pki.server, clientCa: pki.ca }, ...koji });
    f.bodhi = await FakeBodhi.start({
      clients: { 'packflow-bodhi': { secret: 'oidc-secret', user: 'packit' } },
      buildExists: (nvr) => f.koji.hasBuild(nvr),
      tagBuilds: (tag) => f.koji.taggedNvrs(tag),
    });
    f.pagure = await FakePagure.start({ tokens: { 'pagure-token': 'packit' } });
  });
  afterAll(async () => {
    await Promise.all([f.koji.close(), f.bodhi.close(), f.pagure.close()]);
    pki.remove();
    await db.drop();
  });
  return f;
}
