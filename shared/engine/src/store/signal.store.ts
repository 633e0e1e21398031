// A result from outside, applied in one statement: it finds the target (by external id,
// or by id), locks the pipelines that count it (in id order, before the target row, as
// every decision does), writes the result to the target unless it is final already
// (otherwise keeps a note of it) and reads the state of those pipelines for the engine
// to settle. The state comes from the statement's snapshot, taken before the locks were
// granted: when a concurrent decision changed one of these pipelines meanwhile (its row
// version moved on), the state is read again, after the locks. One prepared statement
// per kind and way of naming the target; it is most of the engine's cost per signal.
import { prepared, targetJson, type ItemKind, type ItemKinds, type Sql, type TargetStatus } from '@packflow/core';
import type { ExternalRef, PipelineState, Signal, TargetState } from '../engine.types.js';
import type { StateStore } from './state.store.js';
import { reportDueSql, type ReportSeqs } from './report.ledger.js';
import { stateSql } from './state.store.js';

const FINAL = `'success', 'failure', 'error', 'skipped', 'cancelled'`;

/** How a result names its target: as a message does (external id) or by the target's id. */
export type SignalTarget = { ref: ExternalRef } | { kind: ItemKind; targetId: string };

export interface SignalApplied {
  /** The target (undefined: no target has that name or id). */
  targetId?: string;
  /** Its status before the result. */
  status?: TargetStatus;
  /** Whether the result was written (not: the target was final already, or running and told it started). */
  applied: boolean;
  /** The pipelines that count the target, locked by this transaction, in id order. */
  pipelineIds: string[];
  /** When applied: their states with the result written (in id order). */
  states: PipelineState[];
  /** When applied and reports are due: the report sequence each pipeline reached. */
  reportSeqs: ReportSeqs;
}

/** Whether an applied result marks its pipelines as owing a report, and its grace period. */
export interface SignalLedger {
  reportsDue: boolean;
  graceMs: number;
}

function applySql(kinds: ItemKinds, kind: ItemKind, by: 'ref' | 'id'): string {
  const k = kinds.get(kind);
  const link = kinds.targetLink(kind);
  const table = k.targetTable;
  // $1 (and $2): the target's name; then the result.
  const at = by === 'ref' ? 3 : 2;
  const [status, reason, when, final, webUrl, logUrl, data, state, due, graceMs] = Array.from(
    { length: 10 },
    (_, i) => `$${at + i}`,
  );
  const find =
    by === 'ref'
      ? `select id from ${table} where external_id = $1 and ($2::text is null or target = $2)
          order by attempt desc, id desc limit 1`
      : `select $1::bigint as id`;
  const applies = `cur.status not in (${FINAL}) and not (${status}::text = 'running' and cur.status = 'running')`;
  return `
with found as (${find}),
locked as materialized (
  select p.id, p.xmin::text as version from shared.pipelines p
   where p.id in (select s.pipeline_id from shared.pipeline_steps s join ${link.table} l on l.step_id = s.id
                   where l.${link.column} = (select id from found))
   order by p.id for update),
cur as materialized (
  select x.id, x.status from ${table} x
   where x.id = (select id from found) and (select count(*) from locked) >= 0
   for update),
upd as (
  update ${table} t set status = ${status}::text, reason = coalesce(${reason}::text, t.reason),
         started_at = coalesce(t.started_at, ${when}::timestamptz),
         finished_at = case when ${final}::boolean then ${when}::timestamptz else t.finished_at end,
         web_url = coalesce(${webUrl}::text, t.web_url), log_url = coalesce(${logUrl}::text, t.log_url),
         data = case when ${data}::jsonb is null then t.data else coalesce(t.data, '{}') || ${data}::jsonb end,
         updated_at = now()
    from cur
   where t.id = cur.id and ${applies}
  returning t.*),
ignored as (
  update ${table} t set data = jsonb_set(coalesce(t.data, '{}'), '{ignoredSignals}',
         coalesce(t.data->'ignoredSignals', '[]') || jsonb_build_array(jsonb_build_object('state', ${state}::text, 'at', now())))
    from cur
   where t.id = cur.id and not (${applies})),
ledger as (
  update shared.pipelines p set updated_at = now(), ${reportDueSql(`${due}::boolean`, graceMs)}
    from locked l
   where p.id = l.id and exists (select 1 from upd)
  returning p.id::text, p.report_seq::text as seq),
states as (${stateSql(kinds, 'array(select id from locked where exists (select 1 from upd))')})
select (select id::text from cur) as target_id, (select status from cur) as status,
       exists (select 1 from upd) as applied,
       array(select id::text from locked order by id) as pipeline_ids,
       (select ${targetJson} from (select u.*, '${kind}' as kind, ${k.groupColumn ? `u.${k.groupColumn}` : 'null::bigint'} as group_id
                                     from upd u) x) as target,
       exists (select 1 from locked l join shared.pipelines p on p.id = l.id where p.xmin::text <> l.version) as stale,
       (select json_object_agg(id, seq) from ledger) as report_seqs,
       coalesce((select json_agg(s.state order by (s.state->>'id')::bigint) from states s), '[]') as states`;
}

export class SignalStore {
  private readonly sql = new Map<string, string>();

  constructor(
    private readonly kinds: ItemKinds,
    private readonly states: StateStore,
  ) {}

  /**
   * Applies a result to its target and reads the state of the pipelines counting it,
   * locked (see above); when it was applied, moves their rows on (and their report ledger).
   */
  async apply(sql: Sql, target: SignalTarget, signal: Signal, ledger: SignalLedger): Promise<SignalApplied> {
    const [kind, by, name] =
      'ref' in target
        ? [target.ref.kind, 'ref' as const, [target.ref.externalId, target.ref.target ?? null]]
        : [target.kind, 'id' as const, [target.targetId]];
    const key = `${kind}_${by}`;
    let text = this.sql.get(key);
    if (text === undefined) this.sql.set(key, (text = applySql(this.kinds, kind, by)));
    const final = signal.state !== 'started';
    const { rows } = await sql.query<{
      target_id: string | null;
      status: TargetStatus | null;
      applied: boolean;
      pipeline_ids: string[];
      target: TargetState | null;
      stale: boolean;
      report_seqs: Record<string, string> | null;
      states: PipelineState[];
    }>(
      prepared(`pf_engine_signal_${key}`, text, [
        ...name,
        final ? signal.state : 'running',
        signal.reason ?? null,
        signal.at ?? new Date(),
        final,
        signal.webUrl ?? null,
        signal.logUrl ?? null,
        signal.data ? JSON.stringify(signal.data) : null,
        signal.state,
        ledger.reportsDue,
        ledger.graceMs,
      ]),
    );
    const row = rows[0];
    if (!row?.target_id) return { applied: false, pipelineIds: [], states: [], reportSeqs: new Map() };
    const result = {
      targetId: row.target_id,
      status: row.status ?? undefined,
      pipelineIds: row.pipeline_ids,
      reportSeqs: new Map(ledger.reportsDue ? Object.entries(row.report_seqs ?? {}) : []),
    };
    if (!row.applied) return { ...result, applied: false, states: [] };
    // Read before the locks were granted and a concurrent decision changed them: read again.
    if (row.stale) return { ...result, applied: true, states: await this.states.load(sql, row.pipeline_ids) };
    // Read before the result was written: the target as written.
    const written = row.target!;
    for (const state of row.states)
      for (const step of state.steps)
        step.targets = step.targets.map((t) => (t.kind === kind && t.id === written.id ? { ...written } : t));
    return { ...result, applied: true, states: row.states };
  }
}
