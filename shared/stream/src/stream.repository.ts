// Every statement the stream ecosystem runs itself (the engine's are in its store): the
// rows of an event, projects named by the stream worker (dist-git of a source-git project),
// MR pairs, the sync pipelines of a merge request, and dist-git -> source-git sync runs.
import type { Sql } from '@packflow/core';

export interface StreamEventRow {
  projectId: string;
  refId: string | null;
  commitId: string | null;
}

export interface MrPairRow {
  id: string;
  sourceGitProjectId: string;
  sourceGitMr: string;
  distGitProjectId: string;
  distGitMr: string | null;
  targetBranch: string | null;
  forkBranch: string | null;
  sourceGitSha: string | null;
  distGitSha: string | null;
  state: string;
}

/** A source-git project's commit: where a sync's results are reported. */
export interface SourceGitCommit {
  namespace: string;
  repo: string;
  sha: string;
}

/** How many KCIDB builds or tests of one origin have one status. */
export interface KcidbCount {
  kind: 'build' | 'test';
  origin: string;
  /** KCIDB status (`PASS`, `FAIL`, `ERROR`, `MISS`, `DONE`, `SKIP`); null while running. */
  status: string | null;
  count: number;
  logUrl: string | null;
}

const PAIR_COLUMNS = `id::text, source_git_project_id::text as "sourceGitProjectId", source_git_mr as "sourceGitMr",
  dist_git_project_id::text as "distGitProjectId", dist_git_mr as "distGitMr", target_branch as "targetBranch",
  fork_branch as "forkBranch", source_git_sha as "sourceGitSha", dist_git_sha as "distGitSha", state`;

export class StreamRepository {
  constructor(private readonly sql: Sql) {}

  async event(eventId: string): Promise<StreamEventRow | undefined> {
    const { rows } = await this.sql.query<{
      project_id: string | null;
      ref_id: string | null;
      commit_id: string | null;
    }>(`select project_id::text, ref_id::text, commit_id::text from shared.events where id = $1`, [eventId]);
    const row = rows[0];
    return row?.project_id ? { projectId: row.project_id, refId: row.ref_id, commitId: row.commit_id } : undefined;
  }

  /** The id of a project (recorded now if no event named it yet). */
  async projectId(p: { forge: string; instanceUrl: string; namespace: string; repo: string }): Promise<string> {
    const { rows } = await this.sql.query<{ id: string }>(
      `with n as (insert into shared.projects (forge, instance_url, namespace, repo) values ($1, $2, $3, $4)
                  on conflict (instance_url, namespace, repo) do nothing returning id)
       select id::text from n union all
       select id::text from shared.projects where instance_url = $2 and namespace = $3 and repo = $4`,
      [p.forge, p.instanceUrl, p.namespace, p.repo],
    );
    return rows[0].id;
  }

  /** Records (or finds) the pair of a source-git merge request; one row per merge request. */
  async savePair(p: {
    sourceGitProjectId: string;
    sourceGitMr: string;
    distGitProjectId: string;
    targetBranch: string;
    forkBranch: string;
  }): Promise<MrPairRow> {
    const { rows } = await this.sql.query<MrPairRow>(
      `insert into stream.mr_pairs (source_git_project_id, source_git_mr, dist_git_project_id, target_branch, fork_branch)
       values ($1, $2, $3, $4, $5)
       on conflict (source_git_project_id, source_git_mr)
       do update set target_branch = excluded.target_branch, fork_branch = excluded.fork_branch, updated_at = now()
       returning ${PAIR_COLUMNS}`,
      [p.sourceGitProjectId, p.sourceGitMr, p.distGitProjectId, p.targetBranch, p.forkBranch],
    );
    return rows[0];
  }

  async pair(sourceGitProjectId: string, sourceGitMr: string): Promise<MrPairRow | undefined> {
    const { rows } = await this.sql.query<MrPairRow>(
      `select ${PAIR_COLUMNS} from stream.mr_pairs where source_git_project_id = $1 and source_git_mr = $2`,
      [sourceGitProjectId, sourceGitMr],
    );
    return rows[0];
  }

  async pairById(id: string): Promise<MrPairRow | undefined> {
    const { rows } = await this.sql.query<MrPairRow>(`select ${PAIR_COLUMNS} from stream.mr_pairs where id = $1`, [id]);
    return rows[0];
  }

  /** What the merge request step did: the dist-git MR and the commits it carries. */
  async recordSynced(
    pairId: string,
    s: { distGitMr: string; sourceGitSha: string; distGitSha: string; stepId: string },
  ): Promise<void> {
    await this.sql.query(
      `update stream.mr_pairs set dist_git_mr = $2, source_git_sha = $3, dist_git_sha = $4, step_id = $5,
              state = 'open', updated_at = now() where id = $1`,
      [pairId, s.distGitMr, s.sourceGitSha, s.distGitSha, s.stepId],
    );
  }

  async setPairState(pairId: string, state: 'open' | 'closed' | 'merged'): Promise<void> {
    await this.sql.query(`update stream.mr_pairs set state = $2, updated_at = now() where id = $1`, [pairId, state]);
  }

  /**
   * The source-git side of a sync's dist-git CI target: the project and head commit of the
   * pipeline whose CI step ran it (where that CI's results are reported).
   */
  async sourceGitOfCiTarget(targetId: string): Promise<SourceGitCommit | undefined> {
    const { rows } = await this.sql.query<SourceGitCommit>(
      `select pr.namespace, pr.repo, c.sha
         from stream.pipeline_step_sync_steps l
         join shared.pipeline_steps s on s.id = l.step_id
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.projects pr on pr.id = p.project_id
         join shared.commits c on c.id = p.commit_id
        where l.sync_step_id = $1
        order by s.id desc limit 1`,
      [targetId],
    );
    return rows[0];
  }

  /**
   * The source-git commits of the syncs whose CI step waits for, or ran on, dist-git commit
   * `distGitSha` (the CI target's external id is `<dist-git path>@<sha>`).
   */
  async sourceGitOfDistGitCommit(distGitSha: string): Promise<SourceGitCommit[]> {
    const { rows } = await this.sql.query<SourceGitCommit>(
      `select distinct pr.namespace, pr.repo, c.sha
         from stream.sync_steps t
         join stream.pipeline_step_sync_steps l on l.sync_step_id = t.id
         join shared.pipeline_steps s on s.id = l.step_id
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.projects pr on pr.id = p.project_id
         join shared.commits c on c.id = p.commit_id
        where right(t.external_id, length($1) + 1) = '@' || $1
        order by 1, 2, 3`,
      [distGitSha],
    );
    return rows;
  }

  /**
   * KCIDB builds and tests of checkouts of commit `sha`, counted by origin and status (null:
   * not finished), with one log URL each; origin `exceptOrigin` (packflow's own) left out.
   */
  async kcidbCounts(sha: string, exceptOrigin: string): Promise<KcidbCount[]> {
    const { rows } = await this.sql.query<KcidbCount>(
      `select 'build' as kind, b.origin, b.status, count(*)::int as count, min(b.log_url) as "logUrl"
         from shared.kcidb_checkouts k join shared.kcidb_builds b on b.checkout_id = k.id
        where k.git_commit_hash = $1 and b.origin <> $2
        group by b.origin, b.status
       union all
       select 'test', t.origin, t.status, count(*)::int, min(t.log_url)
         from shared.kcidb_checkouts k
         join shared.kcidb_builds b on b.checkout_id = k.id
         join shared.kcidb_tests t on t.build_id = b.id
        where k.git_commit_hash = $1 and t.origin <> $2
        group by t.origin, t.status
       order by 2, 1, 3`,
      [sha, exceptOrigin],
    );
    return rows;
  }

  /** The newest pipeline of a merge request (the one a comment command acts on) and its steps by job. */
  async latestSync(
    projectId: string,
    mr: string,
  ): Promise<{ pipelineId: string; steps: Record<string, string> } | undefined> {
    const { rows } = await this.sql.query<{ pipeline_id: string; steps: Record<string, string> }>(
      `select p.id::text as pipeline_id, jsonb_object_agg(s.job, s.id::text) as steps
         from shared.pipelines p
         join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
         join shared.pipeline_steps s on s.pipeline_id = p.id
        where p.project_id = $1 and r.kind = 'pull_request' and r.name = $2
        group by p.id order by p.id desc limit 1`,
      [projectId, mr],
    );
    return rows[0] ? { pipelineId: rows[0].pipeline_id, steps: rows[0].steps } : undefined;
  }

  /**
   * Starts a dist-git -> source-git sync run for a pushed dist-git commit; undefined when
   * one for that commit finished already (a redelivered push). A run left `running` by a
   * worker that stopped does not count: the redelivery runs again (every step of bringing
   * a push back is idempotent, and GitLab refuses a second open MR from one branch).
   */
  async startSyncRun(r: {
    distGitProjectId: string;
    distGitSha: string;
    branch: string;
    sourceGitProjectId: string;
    eventId: string;
  }): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ id: string }>(
      `insert into stream.sync_runs (dist_git_project_id, dist_git_sha, branch, source_git_project_id, event_id, status)
       select $1, $2, $3, $4, $5, 'running'
        where not exists (select 1 from stream.sync_runs where dist_git_project_id = $1 and dist_git_sha = $2
                            and status in ('success', 'failure', 'skipped'))
       returning id::text`,
      [r.distGitProjectId, r.distGitSha, r.branch, r.sourceGitProjectId, r.eventId],
    );
    return rows[0]?.id;
  }

  async finishSyncRun(
    id: string,
    outcome: {
      status: 'success' | 'failure' | 'error' | 'skipped';
      sourceGitMr?: string | null;
      reason?: string | null;
    },
  ): Promise<void> {
    await this.sql.query(
      `update stream.sync_runs set status = $2, source_git_mr = $3, reason = $4, finished_at = now() where id = $1`,
      [id, outcome.status, outcome.sourceGitMr ?? null, outcome.reason ?? null],
    );
  }
}
