// What the scheduler's intake writes and reads: one received event recorded with its
// project, ref and commit and, when accepted, its outbox message; and the owner of a
// build or test found by its id in the external system.
import { ConflictError } from '../errors/index.js';
import { prepared, type Sql } from '../db/sql.js';
import type { EventDisposition, EventSource } from '../model/shared/event.entity.js';
import type { Forge } from '../model/shared/project.entity.js';
import type { RefKind } from '../model/shared/project-ref.entity.js';
import { ITEM_KINDS, type ItemKind } from '../model/upstream/item-kinds.js';

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
// transaction: find or create project, ref and commit, insert the
// event (nothing when the delivery id is already recorded) and its outbox row. A project,
// ref or commit created at the same instant by another delivery leaves its id empty here
// (ON CONFLICT DO NOTHING returns no row and this snapshot cannot see the other one):
// the event is then not inserted, and the caller runs the statement again.
export const RECORD_EVENT_SQL = `
with
  p_found as (
    select id from shared.projects
     where $2::text is not null and instance_url = $2::text and namespace = $3::text and repo = $4::text),
  p_new as (
    insert into shared.projects (forge, instance_url, namespace, repo)
    select $1::text, $2::text, $3::text, $4::text
     where $2::text is not null and not exists (select 1 from p_found)
    on conflict do nothing
    returning id),
  p as (select coalesce((select id from p_found), (select id from p_new), $18::bigint) as id),
  r_found as (
    select r.id from shared.project_refs r, p
     where $5::text is not null and r.project_id = p.id and r.kind = $5::text and r.name = $6::text),
  r_new as (
    insert into shared.project_refs (project_id, kind, name)
    select p.id, $5::text, $6::text from p
     where $5::text is not null and p.id is not null and not exists (select 1 from r_found)
    on conflict do nothing
    returning id),
  r as (select coalesce((select id from r_found), (select id from r_new), $19::bigint) as id),
  c_found as (
    select c.id from shared.commits c, p, r
     where $7::text is not null and c.project_id = p.id and c.ref_id = r.id and c.sha = $7::text),
  c_new as (
    insert into shared.commits (project_id, ref_id, sha)
    select p.id, r.id, $7::text from p, r
     where $7::text is not null and p.id is not null and r.id is not null and not exists (select 1 from c_found)
    on conflict do nothing
    returning id),
  c as (select coalesce((select id from c_found), (select id from c_new), $20::bigint) as id),
  ev as (
    insert into shared.events (source, type, delivery_id, actor, ecosystem, disposition, reason, project_id, ref_id, commit_id, payload)
    select $8::text, $9::text, $10::text, $11::text, $12::text, $13::text, $14::text, p.id, r.id, c.id, $15::jsonb
      from p, r, c
     where ($2::text is null or p.id is not null)
       and ($5::text is null or r.id is not null)
       and ($7::text is null or $5::text is null or c.id is not null)
    on conflict (delivery_id) do nothing
    returning id),
  ob as (
    insert into shared.outbox (subject, msg_id, payload)
    select $16::text, $10::text, $15::jsonb || $17::jsonb || jsonb_build_object('eventId', ev.id::text)
      from ev
     where $16::text is not null
    returning id)
select (select id::text from ev) as event_id`;

export const FIND_DELIVERY_SQL = `select id::text as event_id from shared.events where delivery_id = $1`;

/** Kinds of results the intake routes, and the item kind whose targets hold their external ids. */
export type ResultKind = Extract<ItemKind, 'srpm_build' | 'copr_build' | 'koji_build' | 'tests'>;

/**
 * The newest target with that external id (preferring the given target, e.g. the chroot
 * of a Copr result), and the pipeline of a step that links it or its group.
 */
export function resultOwnerSql(kind: ResultKind): string {
  const k = ITEM_KINDS[kind];
  const groupKey = k.groupColumn ? `t.${k.groupColumn}` : 't.id';
  const targetLink = k.targetLinkTable ? `select step_id from ${k.targetLinkTable} where ${k.targetLinkColumn} = t.id union all ` : '';
  const tokenHash = kind === 'tests' ? 't.notification_token_hash' : 'null::text';
  return `
select t.id::text as item_id, pl.project_id::text as project_id, cm.ref_id::text as ref_id, pl.commit_id::text as commit_id,
       ${tokenHash} as token_hash
  from ${k.targetTable} t
  left join lateral (${targetLink}select step_id from ${k.groupLinkTable} where ${k.groupLinkColumn} = ${groupKey} limit 1) l on true
  left join shared.pipeline_steps s on s.id = l.step_id
  left join shared.pipelines pl on pl.id = s.pipeline_id
  left join shared.commits cm on cm.id = pl.commit_id
 where t.external_id = $1
 order by (t.target = $2::text) desc, t.id desc
 limit 1`;
}

const RESULT_OWNER_SQL = new Map((['srpm_build', 'copr_build', 'koji_build', 'tests'] as const).map((k) => [k, resultOwnerSql(k)]));

interface OwnerRow {
  item_id: string;
  project_id: string | null;
  ref_id: string | null;
  commit_id: string | null;
  token_hash: string | null;
}

export class IntakeRepository {
  constructor(private readonly sql: Sql) {}

  /**
   * Records one received event (and its outbox message when `outbox` is given) in one
   * transaction. A delivery id already recorded gives `duplicate` and writes nothing new.
   */
  async record(event: IntakeEvent): Promise<RecordOutcome> {
    const ref = event.project ? (event.ref ?? null) : null;
    const params = [
      event.project?.forge ?? null,
      event.project?.instanceUrl ?? null,
      event.project?.namespace ?? null,
      event.project?.repo ?? null,
      ref?.kind ?? null,
      ref?.name ?? null,
      ref ? (event.sha ?? null) : null,
      event.source,
      event.type,
      event.deliveryId,
      event.actor,
      event.ecosystem,
      event.disposition,
      event.reason,
      JSON.stringify(event.payload),
      event.outbox?.subject ?? null,
      JSON.stringify(event.outbox?.extra ?? {}),
      event.project ? null : (event.ids?.projectId ?? null),
      event.project ? null : (event.ids?.refId ?? null),
      event.project ? null : (event.ids?.commitId ?? null),
    ];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const { rows } = await this.sql.query<{ event_id: string | null }>(prepared('pf_intake_record_event', RECORD_EVENT_SQL, params));
      const eventId = rows[0]?.event_id;
      if (eventId) return { status: 'recorded', eventId };
      const existing = await this.sql.query<{ event_id: string }>(prepared('pf_intake_find_delivery', FIND_DELIVERY_SQL, [event.deliveryId]));
      if (existing.rows[0]) return { status: 'duplicate', eventId: existing.rows[0].event_id };
      // Another delivery created this project, ref or commit at the same instant; it is
      // committed now, so the next run finds it.
    }
    throw new ConflictError('could not record the event: its project, ref or commit kept changing', { deliveryId: event.deliveryId });
  }

  /** The build or test with this external id, or null when packflow never started it. */
  async findResultOwner(kind: ResultKind, externalId: string, target?: string | null): Promise<ResultOwner | null> {
    const row = await this.ownerRow(kind, externalId, target ?? null);
    return row ? owner(row) : null;
  }

  /**
   * The Testing Farm request with this id: its owner and the SHA-256 (hex) of the
   * notification token packflow gave it.
   */
  async findTestingFarmRequest(requestId: string): Promise<(ResultOwner & { tokenHash: string | null }) | null> {
    const row = await this.ownerRow('tests', requestId, null);
    return row ? { ...owner(row), tokenHash: row.token_hash } : null;
  }

  private async ownerRow(kind: ResultKind, externalId: string, target: string | null): Promise<OwnerRow | null> {
    const { rows } = await this.sql.query<OwnerRow>(prepared(`pf_intake_owner_${kind}`, RESULT_OWNER_SQL.get(kind)!, [externalId, target]));
    return rows[0] ?? null;
  }
}

function owner(row: OwnerRow): ResultOwner {
  // Every build and test table lives in the upstream base today; a stream-owned kind
  // names its ecosystem here when it exists.
  return { ecosystem: 'upstream', itemId: row.item_id, projectId: row.project_id, refId: row.ref_id, commitId: row.commit_id };
}
