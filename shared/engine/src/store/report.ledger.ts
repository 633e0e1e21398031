// Which pipelines still owe the forge a report. Every transaction that changes what a
// pipeline shows bumps its `report_seq` (and gives the report sent after commit a grace
// period); a report that went out moves `reported_seq` up to the sequence it showed. A
// pipeline whose report never went out (the process died after commit, the forge was
// down) stays behind and the reconciler reports its current state again, with backoff,
// up to a limit. Reports are idempotent on the forge (the same check or status name is
// set again), so reporting twice is harmless; not reporting is what this prevents.
import { prepared, type Sql } from '@packflow/core';
import { inScopeSql, scopeParams, type OwnerScope } from './owner.scope.js';

/** Reports tried again by the reconciler before it gives up on a pipeline. */
export const MAX_REPORT_ATTEMPTS = 10;

/**
 * SQL: the assignments that mark the pipeline row `p` as owing a report when `due` (an
 * SQL boolean), the report sent after commit given `graceMs` (SQL) before the reconciler
 * sends it again. Every decision that marks reports due writes them (see advance.store.ts).
 */
export const reportDueSql = (due: string, graceMs: string) =>
  `report_seq = p.report_seq + case when ${due} then 1 else 0 end,
   report_retry_at = case when ${due} then now() + make_interval(secs => ${graceMs}::double precision / 1000) else p.report_retry_at end,
   report_attempts = case when ${due} then 0 else p.report_attempts end`;

const MARK_DUE_SQL = `
  update shared.pipelines p set ${reportDueSql('true', '$2')}
   where p.id = any($1::bigint[])
  returning p.id::text, p.report_seq::text as seq`;

// Its own transaction, committed without waiting for the WAL flush: losing this write in
// a crash only means the report is sent once more. A report of one transaction's changes
// moves the ledger on only from the sequence just before its own: when an earlier report
// never went out (the process died sending it), a later one of other targets must not
// cover it, or that target's check run stays as it was for good. The reconciler's report
// of every target as it is now may move it past such a gap.
const MARK_REPORTED_SQL = `
  update shared.pipelines p set reported_seq = u.seq
    from unnest($1::bigint[], $2::bigint[]) as u(id, seq),
         (select set_config('synchronous_commit', 'off', true)) as async_commit
   where p.id = u.id and p.reported_seq < u.seq and ($3::boolean or p.reported_seq = u.seq - 1)`;

// Claims overdue pipelines by pushing their retry time out (doubling per attempt, at most
// 32 grace periods), so other reconcilers leave them alone while this one reports.
const CLAIM_OVERDUE_SQL = `
  with due as (
    select p.id from shared.pipelines p join shared.projects pr on pr.id = p.project_id
     where p.reported_seq < p.report_seq and p.report_retry_at <= now() and p.report_attempts < $3
       and ${inScopeSql('$4', '$5')}
     order by p.report_retry_at
     limit $1
     for update of p skip locked)
  update shared.pipelines p
     set report_retry_at = now() + make_interval(secs => $2::float8 / 1000 * least(power(2, p.report_attempts), 32)),
         report_attempts = p.report_attempts + 1
    from due
   where p.id = due.id
  returning p.id::text, p.report_seq::text as seq, p.report_attempts as attempts`;

/** Pipeline id -> the report sequence its report must reach. */
export type ReportSeqs = Map<string, string>;

/** In the deciding transaction: these pipelines have something new to report. */
export async function markReportsDue(sql: Sql, pipelineIds: readonly string[], graceMs: number): Promise<ReportSeqs> {
  if (pipelineIds.length === 0) return new Map();
  const { rows } = await sql.query<{ id: string; seq: string }>(
    prepared('pf_engine_report_due', MARK_DUE_SQL, [pipelineIds, graceMs]),
  );
  return new Map(rows.map((r) => [r.id, r.seq]));
}

/**
 * After a report went out: these pipelines are reported up to these sequences. `whole`:
 * the report showed every target of the pipeline (the reconciler's), so it covers every
 * earlier one; otherwise it covers only its own transaction's changes.
 */
export async function markReported(sql: Sql, seqs: ReportSeqs, whole: boolean): Promise<void> {
  if (seqs.size === 0) return;
  await sql.query(prepared('pf_engine_reported', MARK_REPORTED_SQL, [[...seqs.keys()], [...seqs.values()], whole]));
}

/** Claims up to `limit` pipelines whose report is overdue (of the pipelines in `scope` only: owner.scope.ts). */
export async function claimOverdueReports(
  sql: Sql,
  limit: number,
  graceMs: number,
  scope: OwnerScope,
): Promise<{ id: string; seq: string; attempts: number }[]> {
  const { rows } = await sql.query<{ id: string; seq: string; attempts: number }>(CLAIM_OVERDUE_SQL, [
    limit,
    graceMs,
    MAX_REPORT_ATTEMPTS,
    ...scopeParams(scope),
  ]);
  return rows;
}
