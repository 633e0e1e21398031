// Every statement the upstream ecosystem runs itself (the engine's are in its store):
// the rows of an event, the project behind a build or test result, the newest pipeline
// and head commit a comment acts on, where a Testing Farm request came from, what
// activities and the reporter note on a target, and the Koji side tags of sidetag groups.
import { ItemKinds, targetProjectsSql, type ItemKind, type Sql } from '@packflow/core';
import { UPSTREAM_KINDS } from './model/upstream.kinds.js';

/** What the intake recorded for an event. */
export interface EventRow {
  projectId: string;
  refId: string | null;
  commitId: string | null;
  /** Whether the event already started a pipeline (see startedPipeline). */
  startedPipeline: boolean;
}

/** Where a Testing Farm request came from: the commit and the chroot build it tested. */
export interface TestOrigin {
  /** `<instance>/<namespace>/<repo>`. */
  project: string;
  sha: string;
  refKind: string;
  refName: string;
  chroot: string;
  buildTargetId: string | null;
  buildExternalId: string | null;
  buildLogUrl: string | null;
}

const kinds = new ItemKinds(UPSTREAM_KINDS);

/** The side tag of a sidetag group on a dist-git branch; `kojiName` null until Koji made one. */
export interface SidetagRow {
  id: string;
  group: string;
  branch: string;
  kojiName: string | null;
}

/** Where a follow-up event's pipeline runs: a dist-git project, its branch and that branch's head. */
export interface FollowUpEvent {
  /** Unique per cause and project: the same cause records the same event. */
  deliveryId: string;
  type: string;
  actor: string | null;
  payload: unknown;
  project: { forge: string; instanceUrl: string; namespace: string; repo: string };
  branch: string;
  sha: string;
}

export class UpstreamRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * The project (forge and instance) of the pipelines that started the target a result
   * names, and the deployment that owns them (null: from before owners were recorded).
   */
  async projectOfResult(
    kind: ItemKind,
    externalId: string,
  ): Promise<{ forge: string; instanceUrl: string; owner: string | null } | undefined> {
    const { rows } = await this.sql.query<{ forge: string; instance_url: string; owner: string | null }>(
      `select x.forge, x.instance_url, x.owner from ${kinds.get(kind).targetTable} t
         cross join lateral (${targetProjectsSql(kinds, kind, 't')} limit 1) x
        where t.external_id = $1 limit 1`,
      [externalId],
    );
    return rows[0] ? { forge: rows[0].forge, instanceUrl: rows[0].instance_url, owner: rows[0].owner } : undefined;
  }

  async event(eventId: string): Promise<EventRow | undefined> {
    const { rows } = await this.sql.query<{
      project_id: string | null;
      ref_id: string | null;
      commit_id: string | null;
      started: boolean;
    }>(
      `select e.project_id::text, e.ref_id::text, e.commit_id::text,
              exists (select 1 from shared.pipelines p where p.event_id = e.id and p.rerun_of_id is null) as started
         from shared.events e where e.id = $1`,
      [eventId],
    );
    const row = rows[0];
    return row?.project_id
      ? { projectId: row.project_id, refId: row.ref_id, commitId: row.commit_id, startedPipeline: row.started }
      : undefined;
  }

  /**
   * Whether this event already started a pipeline. Only a shortcut (a redelivered event
   * skips the forge calls of planning): the engine's start is what guarantees one
   * pipeline per event, by a unique constraint.
   */
  async startedPipeline(eventId: string): Promise<boolean> {
    const { rows } = await this.sql.query(
      `select 1 from shared.pipelines where event_id = $1 and rerun_of_id is null limit 1`,
      [eventId],
    );
    return rows.length > 0;
  }

  /** The newest pipeline of a commit (the one a comment command acts on). */
  async latestPipeline(commitId: string): Promise<string | undefined> {
    const { rows } = await this.sql.query<{ id: string }>(
      `select id::text from shared.pipelines where commit_id = $1 order by id desc limit 1`,
      [commitId],
    );
    return rows[0]?.id;
  }

  /**
   * The commit row of a release's tag, made when new, and set on the event (release
   * webhooks name only the tag; the worker finds its commit on the forge). One statement:
   * an existing row of the same ref and sha is reused, so a redelivery makes no second one.
   */
  async recordEventCommit(eventId: string, refId: string, sha: string): Promise<string> {
    const { rows } = await this.sql.query<{ id: string }>(
      `with e as (select project_id from shared.events where id = $1),
            found as (select c.id from shared.commits c, e where c.project_id = e.project_id and c.ref_id = $2 and c.sha = $3 order by c.id limit 1),
            made as (insert into shared.commits (project_id, ref_id, sha) select e.project_id, $2, $3 from e where not exists (select 1 from found) returning id),
            commit as (select id from found union all select id from made)
       update shared.events set commit_id = (select id from commit) where id = $1 returning commit_id::text as id`,
      [eventId, refId, sha],
    );
    return rows[0].id;
  }

  /**
   * A ref and commit for an event that names neither (a release-monitoring message: the
   * version on the dist-git project), made when new and set on the event. One statement.
   */
  async recordEventRefCommit(
    eventId: string,
    kind: string,
    name: string,
    sha: string,
  ): Promise<{ projectId: string; commitId: string }> {
    const { rows } = await this.sql.query<{ project_id: string; commit_id: string }>(
      `with e as (select project_id from shared.events where id = $1),
            ref as (insert into shared.project_refs (project_id, kind, name) select project_id, $2, $3 from e
                    on conflict (project_id, kind, name) do update set name = excluded.name returning id, project_id),
            found as (select c.id from shared.commits c, ref where c.ref_id = ref.id and c.sha = $4 order by c.id limit 1),
            made as (insert into shared.commits (project_id, ref_id, sha) select project_id, id, $4 from ref
                     where not exists (select 1 from found) returning id),
            commit as (select id from found union all select id from made)
       update shared.events set ref_id = (select id from ref), commit_id = (select id from commit)
        where id = $1 returning project_id::text, commit_id::text`,
      [eventId, kind, name, sha],
    );
    return { projectId: rows[0].project_id, commitId: rows[0].commit_id };
  }

  /**
   * An event of its own for a pipeline that one event starts in another project (a build
   * tagged into a side tag starts its dependents' builds), made once per delivery id with
   * its project, branch and commit: a redelivery finds it, and its pipeline (one per event).
   */
  async recordFollowUpEvent(e: FollowUpEvent): Promise<{ eventId: string; projectId: string; commitId: string }> {
    const { rows } = await this.sql.query<{ id: string; project_id: string; commit_id: string }>(
      `with p as (insert into shared.projects (forge, instance_url, namespace, repo) values ($1, $2, $3, $4)
                  on conflict (instance_url, namespace, repo) do update set forge = shared.projects.forge returning id),
            r as (insert into shared.project_refs (project_id, kind, name) select id, 'branch', $5 from p
                  on conflict (project_id, kind, name) do update set name = excluded.name returning id, project_id),
            c as (insert into shared.commits (project_id, ref_id, sha) select project_id, id, $6 from r
                  on conflict (project_id, ref_id, sha) do update set sha = excluded.sha returning id, project_id, ref_id)
       insert into shared.events (source, type, delivery_id, actor, ecosystem, project_id, ref_id, commit_id, payload)
       select 'messages', $7, $8, $9, 'upstream', c.project_id, c.ref_id, c.id, $10::jsonb from c
       on conflict (delivery_id) do update set delivery_id = excluded.delivery_id
       returning id::text, project_id::text, commit_id::text`,
      [
        e.project.forge,
        e.project.instanceUrl,
        e.project.namespace,
        e.project.repo,
        e.branch,
        e.sha,
        e.type,
        e.deliveryId,
        e.actor,
        JSON.stringify(e.payload),
      ],
    );
    return { eventId: rows[0].id, projectId: rows[0].project_id, commitId: rows[0].commit_id };
  }

  /** The side tag row of a group and branch, made (with the group) when new. One statement. */
  async sidetagOf(group: string, branch: string): Promise<SidetagRow> {
    const { rows } = await this.sql.query<{ id: string; koji_name: string | null }>(
      `with g as (insert into upstream.sidetag_groups (name) values ($1)
                  on conflict (name) do update set name = excluded.name returning id)
       insert into upstream.sidetags (sidetag_group_id, dist_git_branch) select id, $2 from g
       on conflict (sidetag_group_id, dist_git_branch) do update set dist_git_branch = excluded.dist_git_branch
       returning id::text, koji_name`,
      [group, branch],
    );
    return { id: rows[0].id, group, branch, kojiName: rows[0].koji_name };
  }

  /**
   * Records the Koji side tag of a row unless another was recorded since it read `was`
   * (two builds of a group creating one at once) or another row has it (an adopted
   * leftover side tag another group took first); returns the one the row has now.
   */
  async recordSidetag(id: string, was: string | null, kojiName: string): Promise<string | null> {
    const { rows } = await this.sql.query<{ koji_name: string | null }>(
      `with set as (update upstream.sidetags set koji_name = $3, updated_at = now()
                     where id = $1 and koji_name is not distinct from $2
                       and not exists (select 1 from upstream.sidetags where koji_name = $3) returning koji_name)
       select koji_name from set union all select koji_name from upstream.sidetags where id = $1 and not exists (select 1 from set)`,
      [id, was, kojiName],
    );
    return rows[0].koji_name;
  }

  /** The group and branch of a Koji side tag packflow made, undefined for any other tag. */
  async sidetagByKojiName(kojiName: string): Promise<SidetagRow | undefined> {
    const { rows } = await this.sql.query<{ id: string; name: string; dist_git_branch: string }>(
      `select s.id::text, g.name, s.dist_git_branch from upstream.sidetags s
         join upstream.sidetag_groups g on g.id = s.sidetag_group_id where s.koji_name = $1`,
      [kojiName],
    );
    const row = rows[0];
    return row ? { id: row.id, group: row.name, branch: row.dist_git_branch, kojiName } : undefined;
  }

  /**
   * A branch commit of a project other than the event's (the dist-git of an upstream issue's
   * `/packit koji-build`), made when new: project, ref and commit. One statement.
   */
  async recordProjectCommit(
    project: { forge: string; instanceUrl: string; namespace: string; repo: string },
    branch: string,
    sha: string,
  ): Promise<{ projectId: string; commitId: string }> {
    const { rows } = await this.sql.query<{ project_id: string; commit_id: string }>(
      `with p as (insert into shared.projects (forge, instance_url, namespace, repo) values ($1, $2, $3, $4)
                  on conflict (instance_url, namespace, repo) do update set repo = excluded.repo returning id),
            ref as (insert into shared.project_refs (project_id, kind, name) select id, 'branch', $5 from p
                    on conflict (project_id, kind, name) do update set name = excluded.name returning id, project_id),
            found as (select c.id from shared.commits c, ref where c.ref_id = ref.id and c.sha = $6 order by c.id limit 1),
            made as (insert into shared.commits (project_id, ref_id, sha) select project_id, id, $6 from ref
                     where not exists (select 1 from found) returning id)
       select (select project_id from ref)::text as project_id,
              coalesce((select id from found), (select id from made))::text as commit_id`,
      [project.forge, project.instanceUrl, project.namespace, project.repo, branch, sha],
    );
    return { projectId: rows[0].project_id, commitId: rows[0].commit_id };
  }

  /** The newest commit of a ref (a pull request's head, as packflow last saw it). */
  async headOf(refId: string): Promise<{ commitId: string; sha: string } | undefined> {
    const { rows } = await this.sql.query<{ id: string; sha: string }>(
      `select c.id::text, c.sha from shared.commits c where c.ref_id = $1 order by c.id desc limit 1`,
      [refId],
    );
    return rows[0] ? { commitId: rows[0].id, sha: rows[0].sha } : undefined;
  }

  async testOrigin(requestId: string): Promise<TestOrigin | undefined> {
    const { rows } = await this.sql.query<TestOrigin>(
      `select pr.instance_url || '/' || pr.namespace || '/' || pr.repo as project, c.sha, r.kind as "refKind", r.name as "refName",
              t.target as chroot, b.id::text as "buildTargetId", b.external_id as "buildExternalId", b.log_url as "buildLogUrl"
         from upstream.test_run_targets t
         join upstream.pipeline_step_test_run_targets l on l.test_run_target_id = t.id
         join shared.pipeline_steps s on s.id = l.step_id
         join shared.pipelines p on p.id = s.pipeline_id
         join shared.commits c on c.id = p.commit_id
         join shared.project_refs r on r.id = c.ref_id
         join shared.projects pr on pr.id = p.project_id
         left join lateral (
           select bt.* from shared.pipeline_step_edges e
             join upstream.pipeline_step_copr_build_targets bl on bl.step_id = e.from_step_id
             join upstream.copr_build_targets bt on bt.id = bl.copr_build_target_id and bt.target = t.target
            where e.to_step_id = s.id limit 1) b on true
        where t.external_id = $1
        order by p.id limit 1`,
      [requestId],
    );
    return rows[0];
  }

  /** Recorded before a Testing Farm request exists, so its notification can always be checked. */
  async setNotificationTokenHash(testTargetId: string, hash: string): Promise<void> {
    await this.sql.query(`update upstream.test_run_targets set notification_token_hash = $2 where id = $1`, [
      testTargetId,
      hash,
    ]);
  }

  /** The request id, at once: the scheduler matches Testing Farm's notification to the target by it. */
  async setTestRequestId(testTargetId: string, requestId: string): Promise<void> {
    await this.sql.query(
      `update upstream.test_run_targets set external_id = $2 where id = $1 and external_id is null`,
      [testTargetId, requestId],
    );
  }

  /**
   * Records the intent to comment on a target's failure, before the comment is posted
   * (`data.failureCommented`: `"intended"`, then `true` once posted). Answers `posted` when
   * it was posted already, `retry` when an earlier attempt recorded the intent (it may have
   * posted before it died: look for its comment first), else `new`.
   */
  async intendFailureComment(kind: ItemKind, targetId: string): Promise<'new' | 'retry' | 'posted'> {
    const table = kinds.get(kind).targetTable;
    const { rows } = await this.sql.query<{ retry: boolean }>(
      `with old as (select data->'failureCommented' as v from ${table} where id = $1 for update)
       update ${table} t set data = jsonb_set(coalesce(t.data, '{}'), '{failureCommented}', '"intended"')
         from old
        where t.id = $1 and coalesce(old.v, 'false'::jsonb) <> 'true'::jsonb
       returning coalesce(old.v = '"intended"'::jsonb, false) as retry`,
      [targetId],
    );
    if (rows.length === 0) return 'posted';
    return rows[0].retry ? 'retry' : 'new';
  }

  /** Notes that the failure comment of a target is on the forge (posted, or found there). */
  async failureCommentPosted(kind: ItemKind, targetId: string): Promise<void> {
    await this.sql.query(
      `update ${kinds.get(kind).targetTable} set data = jsonb_set(coalesce(data, '{}'), '{failureCommented}', 'true') where id = $1`,
      [targetId],
    );
  }

  /**
   * The forge's ids of the check runs / statuses reporting targets (updated in place next
   * time): one statement for a whole report, whatever the kinds of its targets.
   */
  async setForgeStatusIds(reported: { kind: ItemKind; targetId: string; statusId: string }[]): Promise<void> {
    const byTable = new Map<string, { targetIds: string[]; statusIds: string[] }>();
    for (const { kind, targetId, statusId } of reported) {
      const table = kinds.get(kind).targetTable;
      const rows = byTable.get(table) ?? { targetIds: [], statusIds: [] };
      rows.targetIds.push(targetId);
      rows.statusIds.push(statusId);
      byTable.set(table, rows);
    }
    if (byTable.size === 0) return;
    const params: string[][] = [];
    const updates = [...byTable].map(([table, rows], i) => {
      params.push(rows.targetIds, rows.statusIds);
      return `u${i} as (update ${table} t
          set data = jsonb_set(coalesce(t.data, '{}'), '{forgeStatusId}', to_jsonb(u.status_id))
         from unnest($${2 * i + 1}::bigint[], $${2 * i + 2}::text[]) as u(id, status_id)
        where t.id = u.id returning 1)`;
    });
    await this.sql.query(`with ${updates.join(',\n')} select 1`, params);
  }
}
