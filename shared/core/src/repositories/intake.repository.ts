// What the scheduler's intake writes and reads: one received event recorded with its
// project, ref and commit and, when accepted, its outbox message; and the owner of a
// build or test found by its id in the external system.
import { ConflictError } from '@packflow/base';
import { prepared, type Sql } from '../db/sql.js';
import type { EventDisposition, EventSource } from '../model/shared/event.entity.js';
import type { Forge } from '../model/shared/project.entity.js';
import type { RefKind } from '../model/shared/project-ref.entity.js';
import type { ItemKind, ItemKindDefinition, ItemKinds } from '../model/item-kind.registry.js';

export interface IntakeEvent {
  source: EventSource;
  /** Typed event name (`pull_request.opened`), or what an ignored delivery was. */
  type: string;
  /** Unique: a second delivery with the same id is a duplicate. */
  deliveryId: string;
  actor: string | null;
  ecosystem: string | null;
  disposition: EventDisposition;
  reason: string | null;
  /** Where it happened, by name: project, ref and commit rows are created when new. */
  project?: { forge: Forge; instanceUrl: string; namespace: string; repo: string } | null;
  ref?: { kind: RefKind; name: string } | null;
  sha?: string | null;
  /** Or by id, when already known (a result whose build was found). */
  ids?: { projectId: string | null; refId: string | null; commitId: string | null } | null;
  /** Kept as `events.payload`. */
  payload: unknown;
  /**
   * Accepted events: the message to publish. Its payload is `payload`, merged with
   * `extra`, plus `eventId` (the new event's id); its Nats-Msg-Id is the delivery id.
   */
  outbox?: { subject: string; extra?: Record<string, unknown> } | null;
}

export type RecordOutcome = { status: 'recorded'; eventId: string } | { status: 'duplicate'; eventId: string };

/** The build or test a result is about, and where it belongs. */
export interface ResultOwner {
  ecosystem: 'upstream' | 'stream';
  itemId: string;
  projectId: string | null;
  refId: string | null;
  commitId: string | null;
}

// One statement (prepared: planning it costs about as much as running it), so one
// transaction, for a batch of events (deliveries arriving together share a commit):
// find or create their projects, refs and commits, insert the events (not those whose
// delivery id is already recorded) and their outbox rows. Rows are created in a fixed
// order (projects, refs, commits, events, each sorted), so concurrent batches cannot
// deadlock. Existing rows are found by one index lookup per event (scalar subqueries:
// with the planner's guess of 100 input rows, joins would scan whole tables). A project,
// ref or commit created at the same instant by another transaction leaves its id empty
// here (ON CONFLICT DO NOTHING returns no row, and this snapshot cannot see the other
// one): that event is not inserted, and the caller runs it again.
// Returns (ord, event_id) for each event inserted.
export const RECORD_EVENTS_SQL = `
with
  input as (
    select * from rows from (jsonb_to_recordset($1::jsonb) as (
      ord int, forge text, instance_url text, namespace text, repo text, ref_kind text, ref_name text, sha text,
      source text, type text, delivery_id text, actor text, ecosystem text, disposition text, reason text,
      payload jsonb, subject text, extra jsonb, given_project bigint, given_ref bigint, given_commit bigint)) i),
  p_found as (
    select i.ord, i.forge, i.instance_url, i.namespace, i.repo, i.given_project,
           (select x.id from shared.projects x where x.instance_url = i.instance_url and x.namespace = i.namespace and x.repo = i.repo) as id
      from input i),
  p_new as (
    insert into shared.projects (forge, instance_url, namespace, repo)
    select distinct on (f.instance_url, f.namespace, f.repo) f.forge, f.instance_url, f.namespace, f.repo
      from p_found f
     where f.instance_url is not null and f.id is null
     order by f.instance_url, f.namespace, f.repo
    on conflict do nothing
    returning id, instance_url, namespace, repo),
  p as (
    select f.ord, coalesce(f.id, n.id, f.given_project) as id
      from p_found f left join p_new n on n.instance_url = f.instance_url and n.namespace = f.namespace and n.repo = f.repo),
  r_found as (
    select i.ord, p.id as project_id, i.ref_kind, i.ref_name, i.given_ref,
           (select x.id from shared.project_refs x where x.project_id = p.id and x.kind = i.ref_kind and x.name = i.ref_name) as id
      from input i join p on p.ord = i.ord
     where i.instance_url is not null and i.ref_kind is not null),
  r_new as (
    insert into shared.project_refs (project_id, kind, name)
    select distinct on (f.project_id, f.ref_kind, f.ref_name) f.project_id, f.ref_kind, f.ref_name
      from r_found f
     where f.id is null and f.project_id is not null
     order by f.project_id, f.ref_kind, f.ref_name
    on conflict do nothing
    returning id, project_id, kind, name),
  r as (
    select i.ord, coalesce(f.id, n.id, i.given_ref) as id
      from input i
      left join r_found f on f.ord = i.ord
      left join r_new n on n.project_id = f.project_id and n.kind = f.ref_kind and n.name = f.ref_name),
  c_found as (
    select i.ord, p.id as project_id, r.id as ref_id, i.sha,
           (select x.id from shared.commits x where x.project_id = p.id and x.ref_id = r.id and x.sha = i.sha) as id
      from input i join p on p.ord = i.ord join r on r.ord = i.ord
     where i.instance_url is not null and i.ref_kind is not null and i.sha is not null),
  c_new as (
    insert into shared.commits (project_id, ref_id, sha)
    select distinct on (f.project_id, f.ref_id, f.sha) f.project_id, f.ref_id, f.sha
      from c_found f
     where f.id is null and f.project_id is not null and f.ref_id is not null
     order by f.project_id, f.ref_id, f.sha
    on conflict do nothing
    returning id, project_id, ref_id, sha),
  c as (
    select i.ord, coalesce(f.id, n.id, i.given_commit) as id
      from input i
      left join c_found f on f.ord = i.ord
      left join c_new n on n.project_id = f.project_id and n.ref_id = f.ref_id and n.sha = f.sha),
  ready as (
    select distinct on (i.delivery_id) i.*, p.id as project_id, r.id as ref_id, c.id as commit_id
      from input i join p on p.ord = i.ord join r on r.ord = i.ord join c on c.ord = i.ord
     where (i.instance_url is null or p.id is not null)
       and (i.instance_url is null or i.ref_kind is null or r.id is not null)
       and (i.instance_url is null or i.ref_kind is null or i.sha is null or c.id is not null)
     order by i.delivery_id, i.ord),
  ev as (
    insert into shared.events (source, type, delivery_id, actor, ecosystem, disposition, reason, project_id, ref_id, commit_id, payload)
    select source, type, delivery_id, actor, ecosystem, disposition, reason, project_id, ref_id, commit_id, payload
      from ready
     order by delivery_id
    on conflict (delivery_id) do nothing
    returning id, delivery_id),
  ob as (
    insert into shared.outbox (subject, msg_id, payload)
    select y.subject, y.delivery_id, y.payload || y.extra || jsonb_build_object('eventId', ev.id::text)
      from ev join ready y on y.delivery_id = ev.delivery_id
     where y.subject is not null
     order by ev.id
    returning 1)
select y.ord, ev.id::text as event_id
  from ev join ready y on y.delivery_id = ev.delivery_id`;

export const FIND_DELIVERIES_SQL = `select delivery_id, id::text as event_id from shared.events where delivery_id = any($1::text[])`;

/** Kinds of results the intake routes, and the item kind whose targets hold their external ids. */
export type ResultKind = ItemKind;

/**
 * The newest target with that external id (preferring the given target, e.g. the chroot
 * of a Copr result), and the pipeline of a step that links it or its group. `by: 'token'`:
 * instead the target without an external id yet whose notification token hash is $1.
 */
export function resultOwnerSql(k: ItemKindDefinition, by: 'external id' | 'token' = 'external id'): string {
  if (by === 'token' && !k.notificationTokenColumn) throw new Error(`${k.targetTable} holds no notification token`);
  const groupKey = k.groupColumn ? `t.${k.groupColumn}` : 't.id';
  const targetLink = k.targetLinkTable
    ? `select step_id from ${k.targetLinkTable} where ${k.targetLinkColumn} = t.id union all `
    : '';
  const tokenHash = k.notificationTokenColumn ? `t.${k.notificationTokenColumn}` : 'null::text';
  return `
select t.id::text as item_id, pl.project_id::text as project_id, cm.ref_id::text as ref_id, pl.commit_id::text as commit_id,
       ${tokenHash} as token_hash
  from ${k.targetTable} t
  left join lateral (${targetLink}select step_id from ${k.groupLinkTable} where ${k.groupLinkColumn} = ${groupKey} limit 1) l on true
  left join shared.pipeline_steps s on s.id = l.step_id
  left join shared.pipelines pl on pl.id = s.pipeline_id
  left join shared.commits cm on cm.id = pl.commit_id
 where ${by === 'token' ? `t.${k.notificationTokenColumn} = $1 and t.external_id is null` : 't.external_id = $1'}
 order by (t.target = $2::text) desc, t.id desc
 limit 1`;
}

interface OwnerRow {
  item_id: string;
  project_id: string | null;
  ref_id: string | null;
  commit_id: string | null;
  token_hash: string | null;
}

export class IntakeRepository {
  private readonly ownerSql = new Map<string, string>();

  /** `kinds`: the item kinds of the ecosystems this process runs (whose results it routes). */
  constructor(
    private readonly sql: Sql,
    private readonly kinds: ItemKinds,
  ) {}

  /**
   * Records one received event (and its outbox message when `outbox` is given) in one
   * transaction. A delivery id already recorded gives `duplicate` and writes nothing new.
   */
  async record(event: IntakeEvent): Promise<RecordOutcome> {
    return (await this.recordMany([event]))[0];
  }

  /**
   * Records several events in one transaction (one commit for all), each as `record`
   * does; outcomes in the order given. A delivery id given twice is recorded once.
   */
  async recordMany(events: readonly IntakeEvent[]): Promise<RecordOutcome[]> {
    const outcomes: (RecordOutcome | undefined)[] = new Array(events.length);
    let pending = events.map((_, i) => i);
    for (let attempt = 1; attempt <= 5 && pending.length > 0; attempt++) {
      const rows = await this.insertBatch(pending.map((i) => events[i]));
      for (const row of rows) outcomes[pending[row.ord]] = { status: 'recorded', eventId: row.event_id };
      const missing = pending.filter((i) => !outcomes[i]);
      pending = missing;
      if (missing.length === 0) break;
      const existing = await this.sql.query<{ delivery_id: string; event_id: string }>(
        prepared('pf_intake_find_deliveries', FIND_DELIVERIES_SQL, [missing.map((i) => events[i].deliveryId)]),
      );
      const byDelivery = new Map(existing.rows.map((r) => [r.delivery_id, r.event_id]));
      for (const i of missing) {
        const eventId = byDelivery.get(events[i].deliveryId);
        if (eventId) outcomes[i] = { status: 'duplicate', eventId };
      }
      // Those left met a project, ref or commit another transaction created at the same
      // instant; it is committed now, so the next run finds it.
      pending = missing.filter((i) => !outcomes[i]);
    }
    if (pending.length > 0) {
      throw new ConflictError('could not record the event: its project, ref or commit kept changing', {
        deliveryId: events[pending[0]].deliveryId,
      });
    }
    return outcomes as RecordOutcome[];
  }

  private async insertBatch(events: readonly IntakeEvent[]): Promise<{ ord: number; event_id: string }[]> {
    const input = jsonParam(
      events.map((event, ord) => {
        const ref = event.project ? (event.ref ?? null) : null;
        return {
          ord,
          forge: event.project?.forge ?? null,
          instance_url: event.project?.instanceUrl ?? null,
          namespace: event.project?.namespace ?? null,
          repo: event.project?.repo ?? null,
          ref_kind: ref?.kind ?? null,
          ref_name: ref?.name ?? null,
          sha: ref ? (event.sha ?? null) : null,
          source: event.source,
          type: event.type,
          delivery_id: event.deliveryId,
          actor: event.actor,
          ecosystem: event.ecosystem,
          disposition: event.disposition,
          reason: event.reason,
          payload: event.payload,
          subject: event.outbox?.subject ?? null,
          extra: event.outbox?.extra ?? {},
          given_project: event.project ? null : (event.ids?.projectId ?? null),
          given_ref: event.project ? null : (event.ids?.refId ?? null),
          given_commit: event.project ? null : (event.ids?.commitId ?? null),
        };
      }),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.sql.query<{ ord: number; event_id: string }>(
          prepared('pf_intake_record_events', RECORD_EVENTS_SQL, [input]),
        );
        return rows;
      } catch (error) {
        // Two batches waiting on each other's new rows: PostgreSQL aborts one; run it again.
        if ((error as { code?: string }).code !== '40P01' || attempt >= 3) throw error;
      }
    }
  }

  /** The build or test with this external id, or null when packflow never started it. */
  async findResultOwner(kind: ResultKind, externalId: string, target?: string | null): Promise<ResultOwner | null> {
    const row = await this.ownerRow(kind, externalId, target ?? null);
    return row ? owner(row) : null;
  }

  /**
   * The Testing Farm request with this id: its owner and the SHA-256 (hex) of the
   * notification token packflow gave it. When packflow has not recorded that id yet (the
   * notification came before the answer to the submission), the test target still waiting
   * for its id whose token hash is `tokenHash`, if any.
   */
  async findTestingFarmRequest(
    requestId: string,
    tokenHash: string,
  ): Promise<(ResultOwner & { tokenHash: string | null }) | null> {
    const row =
      (await this.ownerRow('tests', requestId, null)) ?? (await this.ownerRow('tests', tokenHash, null, 'token'));
    return row ? { ...owner(row), tokenHash: row.token_hash } : null;
  }

  private async ownerRow(
    kind: ResultKind,
    key: string,
    target: string | null,
    by: 'external id' | 'token' = 'external id',
  ): Promise<OwnerRow | null> {
    const name = by === 'token' ? `pf_intake_owner_${kind}_by_token` : `pf_intake_owner_${kind}`;
    let text = this.ownerSql.get(name);
    if (text === undefined) this.ownerSql.set(name, (text = resultOwnerSql(this.kinds.get(kind), by)));
    const { rows } = await this.sql.query<OwnerRow>(prepared(name, text, [key, target]));
    return rows[0] ?? null;
  }
}

/** JSON for PostgreSQL: jsonb cannot hold U+0000, which a webhook's free text may carry. */
function jsonParam(value: unknown): string {
  const json = JSON.stringify(value);
  if (!json.includes('\\u0000')) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\0', '') : v));
}

function owner(row: OwnerRow): ResultOwner {
  // Every build and test table lives in the upstream base today; a stream-owned kind
  // names its ecosystem here when it exists.
  return {
    ecosystem: 'upstream',
    itemId: row.item_id,
    projectId: row.project_id,
    refId: row.ref_id,
    commitId: row.commit_id,
  };
}
