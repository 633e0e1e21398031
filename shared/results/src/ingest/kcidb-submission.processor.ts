import { PackflowError, type Logger, type Sql, type Transactional } from '@packflow/core';
import { validateKcidbReport } from '../report/kcidb-report.validator.js';
import { loadKcidbReport, loadStoredKcidbReports, type KcidbLoadCounts } from './kcidb-ingest.repository.js';
import { announceKcidbLoad } from '../submit/kcidb-announce.js';
import { submissions } from './kcidb-submission.repository.js';

export interface ProcessOutcome {
  id: string;
  /** `processed` or `failed` as left by this or an earlier run. */
  status: 'processed' | 'failed';
  /** False when nothing was loaded (an earlier run had finished it, or it failed). */
  loaded: boolean;
  /** Rows written per table by the load that loaded it: the batch's, when it was loaded with others. */
  counts?: KcidbLoadCounts;
}

export interface KcidbProcessorOptions {
  /** Prefixes the subject of the `stream.kcidb.loaded` announcements. */
  instance?: string;
  /** The most submissions loaded in one transaction (default 16). */
  batchSize?: number;
  /** How many batches load at once (default 2). */
  parallel?: number;
}

interface Waiter {
  id: string;
  resolve(outcome: ProcessOutcome): void;
  reject(error: unknown): void;
}

/** PostgreSQL: ON CONFLICT DO UPDATE would change one row twice (an id repeated in the report). */
const REPEATED_ID = '21000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Loads accepted submissions into the KCIDB tables. Each batch of submissions is processed
 * in one transaction that holds their row locks, loads the reports and records the
 * outcome, so processing the same submission twice (a redelivery, a sweep racing the
 * queue) loads it once. A report the database refuses for good (a value out of range)
 * marks the submission `failed` with the reason; a passing problem (deadlock, lost
 * connection) is thrown as retryable and leaves it `ready` for the next try.
 *
 * Batches: submissions asked for while `parallel` batches are loading wait and go together
 * into the next one (at most `batchSize`), loaded by one statement per table, so the rows'
 * indexes, the hourly rollup trigger, the outcome and the announcement are paid once per
 * batch rather than once per submission. Nobody waits when nothing is loading. A batch the
 * database refuses (an id repeated across its reports, a bad value) is loaded again one
 * submission at a time, in the order they were asked for, in the same transaction: that
 * keeps first-non-null merging in submission order and confines a failure to its report.
 *
 * Reports are loaded in place (the SQL reads the stored JSON); submit validated them. A
 * report that repeats an id within a section is loaded the slow way instead: read,
 * validated again and merged in JavaScript.
 *
 * A loaded batch is announced, in the same transaction, with the commits its checkouts
 * name (`stream.kcidb.loaded` on `instance`, under its first submission's id), for the
 * stream worker.
 */
export class KcidbSubmissionProcessor {
  private readonly waiting: Waiter[] = [];
  private loading = 0;
  private readonly batchSize: number;
  private readonly parallel: number;

  constructor(
    private readonly db: Transactional,
    private readonly logger: Logger,
    private readonly options: KcidbProcessorOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 16;
    this.parallel = options.parallel ?? 2;
  }

  /** Processes one submission (in the next batch); a no-op when it is already processed or failed. */
  processSubmission(id: string): Promise<ProcessOutcome> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, resolve, reject });
      this.startBatches();
    });
  }

  /**
   * Processes `ready` submissions, oldest first, skipping those another worker holds, until
   * none is left or `limit` are done: the sweep that catches what a crash or a lost
   * message left behind. `minAgeMs` leaves alone the submissions younger than that, whose
   * messages are still on their way.
   */
  async processPending(limit = 100, minAgeMs = 0): Promise<ProcessOutcome[]> {
    const done: ProcessOutcome[] = [];
    while (done.length < limit) {
      const outcomes = await this.db.transaction(async (tx) => {
        await relaxCommit(tx);
        const rows = await submissions.lockNextReady(tx, minAgeMs, Math.min(this.batchSize, limit - done.length));
        return this.loadAll(
          tx,
          rows.map((r) => r.id),
        );
      });
      if (outcomes.length === 0) break;
      done.push(...outcomes);
    }
    return done;
  }

  private startBatches(): void {
    while (this.loading < this.parallel && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.batchSize);
      this.loading++;
      void this.runBatch(batch).finally(() => {
        this.loading--;
        this.startBatches();
      });
    }
  }

  /** Locks the batch's submissions, loads the ready ones and answers each waiter. */
  private async runBatch(waiters: Waiter[]): Promise<void> {
    const ids = [...new Set(waiters.map((w) => w.id.toLowerCase()).filter((id) => UUID.test(id)))];
    let outcomes: Map<string, ProcessOutcome>;
    try {
      outcomes = await this.db.transaction(async (tx) => {
        await relaxCommit(tx);
        const locked = ids.length ? await submissions.lockMany(tx, ids) : [];
        const out = new Map<string, ProcessOutcome>();
        for (const r of locked) if (r.status !== 'ready') out.set(r.id, { id: r.id, status: r.status, loaded: false });
        const ready = new Set(locked.filter((r) => r.status === 'ready').map((r) => r.id));
        const loaded = await this.loadAll(
          tx,
          ids.filter((id) => ready.has(id)),
        );
        for (const o of loaded) out.set(o.id, o);
        return out;
      });
    } catch (error) {
      for (const w of waiters) w.reject(error);
      return;
    }
    const answered = new Set<string>();
    for (const w of waiters) {
      const outcome = outcomes.get(w.id.toLowerCase());
      if (!outcome) {
        w.reject(new PackflowError('not_found', `KCIDB submission ${w.id} does not exist`, { details: { id: w.id } }));
      } else if (answered.has(outcome.id)) {
        w.resolve({ id: outcome.id, status: outcome.status, loaded: false });
      } else {
        answered.add(outcome.id);
        w.resolve(outcome);
      }
    }
  }

  /** Loads locked `ready` submissions `ids` together, or one at a time when the database refuses them together. */
  private async loadAll(tx: Sql, ids: readonly string[]): Promise<ProcessOutcome[]> {
    if (ids.length > 1) {
      await tx.query('savepoint kcidb_batch');
      try {
        const counts = await loadStoredKcidbReports(tx, ids);
        await this.finishLoaded(tx, ids, counts);
        return ids.map((id) => ({ id, status: 'processed', loaded: true, counts }));
      } catch (error) {
        if (PackflowError.isRetryable(error)) throw interrupted(ids, error);
        await tx.query('rollback to savepoint kcidb_batch');
      }
    }
    const outcomes: ProcessOutcome[] = [];
    for (const id of ids) outcomes.push(await this.load(tx, id));
    return outcomes;
  }

  /** Marks loaded submissions processed and announces them. */
  private async finishLoaded(tx: Sql, ids: readonly string[], counts: KcidbLoadCounts): Promise<void> {
    await submissions.finish(tx, ids, 'processed', null);
    await announceKcidbLoad(tx, ids[0], await submissions.commits(tx, ids), this.options.instance);
    if (ids.length === 1) this.logger.info({ submission: ids[0], counts }, 'KCIDB submission loaded');
    else this.logger.info({ submissions: ids, counts }, 'KCIDB submissions loaded together');
  }

  private async load(tx: Sql, id: string): Promise<ProcessOutcome> {
    await tx.query('savepoint kcidb_load');
    try {
      const counts = await this.loadReport(tx, id);
      if (!counts) {
        this.logger.warn({ submission: id }, 'KCIDB submission is not a valid report');
        return { id, status: 'failed', loaded: false };
      }
      await this.finishLoaded(tx, [id], counts);
      return { id, status: 'processed', loaded: true, counts };
    } catch (error) {
      if (PackflowError.isRetryable(error)) throw interrupted([id], error);
      await tx.query('rollback to savepoint kcidb_load');
      const message = `the database refused the report: ${(error as Error).message}`;
      await submissions.finish(tx, [id], 'failed', [{ pointer: '', message }]);
      this.logger.warn({ submission: id, err: error }, 'KCIDB submission failed');
      return { id, status: 'failed', loaded: false };
    }
  }

  /** Loads in place, or the slow way when ids repeat; undefined (and marked failed) when not a valid report. */
  private async loadReport(tx: Sql, id: string): Promise<KcidbLoadCounts | undefined> {
    try {
      return await loadStoredKcidbReports(tx, [id]);
    } catch (error) {
      if ((error as { code?: unknown }).code !== REPEATED_ID) throw error;
    }
    await tx.query('rollback to savepoint kcidb_load');
    const checked = validateKcidbReport(await submissions.report(tx, id));
    if (!checked.ok) {
      await submissions.finish(tx, [id], 'failed', checked.violations);
      return undefined;
    }
    return loadKcidbReport(tx, checked.report);
  }
}

/**
 * A load's commit does not wait for its WAL to reach the disk. Safe: the submission was
 * stored durably by submit, and a load lost in a crash is lost whole with the submission's
 * `processed` mark (one transaction), so the submission is still `ready` and the sweep
 * loads it again.
 */
async function relaxCommit(tx: Sql): Promise<void> {
  await tx.query('set local synchronous_commit = off');
}

function interrupted(ids: readonly string[], error: unknown): PackflowError {
  return new PackflowError(
    'kcidb_load_interrupted',
    `loading KCIDB submission${ids.length > 1 ? 's' : ''} ${ids.join(', ')} was interrupted; ${ids.length > 1 ? 'they stay' : 'it stays'} ready`,
    { retryable: true, cause: error },
  );
}
