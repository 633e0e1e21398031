// What a decision writes after it has settled its pipelines, in one statement: the
// targets it queued and skipped (per item kind), the steps' and pipelines' statuses, and
// the pipelines that now owe the forge a report (the ledger of report.ledger.ts). A
// signal's or a start's transaction is a handful of statements, and each round trip saved
// is a share of the engine's cost per signal and per start (bench pipeline-read).
import { isFinal, preparedText, type ItemKinds, type Sql, type TargetStatus } from '@packflow/core';
import type { PipelineState } from '../engine.types.js';
import { pipelineStatus, stepStatus, type Transition } from '../transitions.js';
import { reportDueSql, type ReportSeqs } from './report.ledger.js';

export interface AdvanceWrite {
  /** Queue and skip transitions of targets of these pipelines. */
  transitions: readonly Transition[];
  /** How long a queued target waits for its submit before the reconciler takes it. */
  leaseMs: number;
  /** The pipelines whose statuses are written, as they stand after the decision. */
  states: readonly PipelineState[];
  /** Of those, the pipelines to mark as owing a report (their report_seq moves on). */
  reportsDue: ReadonlySet<string>;
  /** How long a report may take before the reconciler sends it again. */
  graceMs: number;
  /**
   * The decision wrote the pipelines' rows already (a result's statement: signal.store.ts),
   * so when no status moved and nothing is queued, skipped or newly due, there is nothing
   * to write and no statement is sent.
   */
  rowsWritten?: boolean;
}

export interface AdvanceWritten {
  /** Each pipeline's status as written. */
  statuses: Map<string, TargetStatus>;
  /**
   * The report sequence each pipeline marked due reached: the statement's answer, not
   * waited for (the engine sends its commit behind it).
   */
  reportSeqs: Promise<ReportSeqs>;
}

/** Positional parameters collected while a statement's text is built. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const secs = (param: string) => `make_interval(secs => ${param}::double precision / 1000)`;

function transitionCtes(kinds: ItemKinds, transitions: readonly Transition[], leaseMs: number, p: Params): string[] {
  const ctes: string[] = [];
  for (const kind of new Set(transitions.map((t) => t.target.kind))) {
    const table = kinds.get(kind).targetTable;
    const queued = transitions.filter((t) => t.to === 'queued' && t.target.kind === kind);
    const skipped = transitions.filter((t) => t.to === 'skipped' && t.target.kind === kind);
    if (queued.length > 0) {
      ctes.push(
        `queued_${ctes.length} as (
           update ${table} t set status = 'queued', idempotency_key = u.key, queued_at = now(), updated_at = now(),
                  deadline_at = now() + ${secs(p.add(leaseMs))}
             from unnest(${p.add(queued.map((t) => t.target.id))}::bigint[], ${p.add(queued.map((t) => t.target.idempotencyKey))}::text[]) as u(id, key)
            where t.id = u.id and t.status = 'pending')`,
      );
    }
    if (skipped.length > 0) {
      ctes.push(
        `skipped_${ctes.length} as (
           update ${table} t set status = 'skipped', reason = u.reason, finished_at = now(), updated_at = now()
             from unnest(${p.add(skipped.map((t) => t.target.id))}::bigint[], ${p.add(skipped.map((t) => t.reason ?? null))}::text[]) as u(id, reason)
            where t.id = u.id and t.status = 'pending')`,
      );
    }
  }
  return ctes;
}

/** Writes transitions, statuses and the report ledger of `write.states` in one statement (sent, not waited for). */
export function writeAdvance(sql: Sql, kinds: ItemKinds, write: AdvanceWrite): AdvanceWritten {
  const statuses = new Map(write.states.map((s) => [s.id, pipelineStatus(s)]));
  const nothing = { statuses, reportSeqs: Promise.resolve(new Map()) };
  if (write.states.length === 0) return nothing;
  const p = new Params();
  const ctes = transitionCtes(kinds, write.transitions, write.leaseMs, p);
  const steps = write.states.flatMap((s) =>
    s.steps.map((st) => ({ id: st.id, status: stepStatus(st), was: st.status })),
  );
  const unmoved =
    write.transitions.length === 0 &&
    write.reportsDue.size === 0 &&
    steps.every((s) => s.status === s.was) &&
    write.states.every((s) => statuses.get(s.id) === s.status);
  if (write.rowsWritten && unmoved) return nothing;
  ctes.push(
    `steps as (
       update shared.pipeline_steps s set status = u.status, updated_at = now()
         from unnest(${p.add(steps.map((s) => s.id))}::bigint[], ${p.add(steps.map((s) => s.status))}::text[]) as u(id, status)
        where s.id = u.id and s.status is distinct from u.status)`,
  );
  const ids = write.states.map((s) => s.id);
  const text = `with ${ctes.join(',\n')}
     update shared.pipelines p set status = u.status, updated_at = now(),
            finished_at = case when u.final then coalesce(p.finished_at, now()) else null end,
            ${reportDueSql('u.due', p.add(write.graceMs))}
       from unnest(${p.add(ids)}::bigint[], ${p.add(ids.map((id) => statuses.get(id)))}::text[],
                   ${p.add(ids.map((id) => isFinal(statuses.get(id)!)))}::boolean[],
                   ${p.add(ids.map((id) => write.reportsDue.has(id)))}::boolean[]) as u(id, status, final, due)
      where p.id = u.id
     returning p.id::text, p.report_seq::text as seq, u.due`;
  const written = sql.query<{ id: string; seq: string; due: boolean }>(
    preparedText('pf_engine_advance', text, p.values),
  );
  return {
    statuses,
    reportSeqs: written.then(({ rows }) => new Map(rows.filter((r) => r.due).map((r) => [r.id, r.seq]))),
  };
}
