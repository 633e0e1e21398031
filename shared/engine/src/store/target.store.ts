// The engine's writes and reads of target rows: cancels, what an activity answered to a
// submit, and the reconciler's claims (a result from outside is applied by signal.store.ts,
// queue and skip transitions are written with the statuses: advance.store.ts). One
// statement per kind; the tables come from the engine's ItemKinds.
import {
  prepared,
  targetProjectsSql,
  type ItemKind,
  type ItemKinds,
  type Sql,
  type TargetStatus,
} from '@packflow/core';
import type { SubmitResult, TargetState } from '../engine.types.js';
import { inScopeSql, scopeParams, type OwnerScope } from './owner.scope.js';

const secs = (param: string) => `make_interval(secs => ${param}::double precision / 1000)`;

export class TargetStore {
  constructor(private readonly kinds: ItemKinds) {}

  private table(kind: ItemKind): string {
    return this.kinds.get(kind).targetTable;
  }

  /** Marks targets cancelled (only those not yet final). Returns the rows that changed (`kind:id`). */
  async cancel(sql: Sql, targets: readonly TargetState[], reason: string): Promise<string[]> {
    const changed: string[] = [];
    for (const kind of new Set(targets.map((t) => t.kind))) {
      const ids = targets.filter((t) => t.kind === kind).map((t) => t.id);
      const { rows } = await sql.query<{ id: string }>(
        `update ${this.table(kind)} set status = 'cancelled', reason = $2, finished_at = now(), updated_at = now()
          where id = any($1::bigint[]) and status not in ('success', 'failure', 'error', 'skipped', 'cancelled')
          returning id::text`,
        [ids, reason],
      );
      changed.push(...rows.map((r) => `${kind}:${r.id}`));
    }
    return changed;
  }

  /**
   * Records what a submit answered (external ids, links) and when to poll; returns the
   * ids of those targets that were cancelled while the submit was under way.
   */
  async recordSubmitted(
    sql: Sql,
    kind: ItemKind,
    targetIds: readonly string[],
    results: readonly SubmitResult[],
    pollAfterMs: number,
  ): Promise<string[]> {
    const table = this.table(kind);
    // RETURNING gives the status after the update: cancelled rows are those a cancel reached first.
    // Committed without waiting for the WAL flush (one fdatasync less per submit; under
    // the benchmark's load a flush was ~4.7 ms, most of a signal's cost): a crash that
    // loses this write leaves the target as a crash just before it does (queued, no
    // external id: the reconciler submits again with the same idempotency key after the
    // lease), and any later decision's commit flushes it, so a result that finds the
    // target by this external id is never followed by the loss of this write.
    const { rows } = await sql.query<{ id: string; status: TargetStatus }>(
      prepared(
        `pf_engine_submitted_${kind}`,
        `update ${table} t set external_id = u.ext, web_url = coalesce(u.web, t.web_url), log_url = coalesce(u.log, t.log_url),
              deadline_at = now() + ${secs('$5')}, updated_at = now()
         from unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) as u(id, ext, web, log),
              (select set_config('synchronous_commit', 'off', true)) as async_commit
        where t.id = u.id
       returning t.id::text, t.status`,
        [
          targetIds,
          results.map((r) => r.externalId),
          results.map((r) => r.webUrl ?? null),
          results.map((r) => r.logUrl ?? null),
          pollAfterMs,
        ],
      ),
    );
    return rows.filter((r) => r.status === 'cancelled').map((r) => r.id);
  }

  /** A submit that failed and will be tried again after `delayMs`. */
  async recordSubmitRetry(
    sql: Sql,
    kind: ItemKind,
    targetIds: readonly string[],
    attempts: number,
    delayMs: number,
  ): Promise<void> {
    await sql.query(
      `update ${this.table(kind)} set data = jsonb_set(coalesce(data, '{}'), '{submitAttempts}', to_jsonb($2::int)),
              deadline_at = now() + ${secs('$3')}, updated_at = now()
        where id = any($1::bigint[])`,
      [targetIds, attempts, delayMs],
    );
  }

  /**
   * Claims up to `limit` queued/running targets of a kind past their deadline (of the
   * pipelines in `scope` only: owner.scope.ts), with a 60 s lease so concurrent
   * reconcilers never take the same one.
   */
  async claimOverdue(
    sql: Sql,
    kind: ItemKind,
    limit: number,
    scope: OwnerScope,
  ): Promise<Array<{ id: string; queuedAt: Date | null; externalId: string | null }>> {
    const table = this.table(kind);
    const { rows } = await sql.query<{ id: string; queued_at: Date | null; external_id: string | null }>(
      `update ${table} set deadline_at = now() + interval '60 seconds'
        where id in (select t.id from ${table} t where t.status in ('queued', 'running') and t.deadline_at <= now()
                        and exists (${targetProjectsSql(this.kinds, kind, 't')} and ${inScopeSql('$2', '$3')})
                      order by t.deadline_at limit $1 for update of t skip locked)
        returning id::text, queued_at, external_id`,
      [limit, ...scopeParams(scope)],
    );
    return rows.map((r) => ({ id: r.id, queuedAt: r.queued_at, externalId: r.external_id }));
  }

  /** Next poll of a target in `ms`. */
  async postpone(sql: Sql, kind: ItemKind, targetId: string, ms: number): Promise<void> {
    await sql.query(`update ${this.table(kind)} set deadline_at = now() + ${secs('$2')} where id = $1`, [targetId, ms]);
  }
}
