import { PackflowError, type Logger, type Sql, type Transactional } from '@packflow/core';
import { validateKcidbReport } from '../report/kcidb-report.validator.js';
import { loadKcidbReport, loadStoredKcidbReport, type KcidbLoadCounts } from './kcidb-ingest.repository.js';
import { announceKcidbLoad } from '../submit/kcidb-announce.js';
import { submissions, type StoredSubmission } from './kcidb-submission.repository.js';

export interface ProcessOutcome {
  id: string;
  /** `processed` or `failed` as left by this or an earlier run. */
  status: 'processed' | 'failed';
  /** False when nothing was loaded (an earlier run had finished it, or it failed). */
  loaded: boolean;
  counts?: KcidbLoadCounts;
}

/** PostgreSQL: ON CONFLICT DO UPDATE would change one row twice (an id repeated in the report). */
const REPEATED_ID = '21000';

/**
 * Loads accepted submissions into the KCIDB tables. Each submission is processed in one
 * transaction that holds its row lock, loads the report and records the outcome, so
 * processing the same submission twice (a redelivery, a sweep racing the queue) loads it
 * once. A report the database refuses for good (a value out of range) marks the
 * submission `failed` with the reason; a passing problem (deadlock, lost connection) is
 * thrown as retryable and leaves it `ready` for the next try.
 *
 * Reports are loaded in place (the SQL reads the stored JSON); submit validated them. A
 * report that repeats an id within a section is loaded the slow way instead: read,
 * validated again and merged in JavaScript.
 *
 * A loaded submission is announced, in the same transaction, with the commits its
 * checkouts name (`stream.kcidb.loaded` on `instance`), for the stream worker.
 */
export class KcidbSubmissionProcessor {
  constructor(
    private readonly db: Transactional,
    private readonly logger: Logger,
    private readonly options: { instance?: string } = {},
  ) {}

  /** Processes one submission; a no-op when it is already processed or failed. */
  async processSubmission(id: string): Promise<ProcessOutcome> {
    return this.db.transaction(async (tx) => {
      const row = await submissions.lock(tx, id);
      if (!row) throw new PackflowError('not_found', `KCIDB submission ${id} does not exist`, { details: { id } });
      if (row.status !== 'ready') return { id, status: row.status, loaded: false };
      return this.load(tx, row);
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
      const outcome = await this.db.transaction(async (tx) => {
        const row = await submissions.lockNextReady(tx, minAgeMs);
        return row ? this.load(tx, row) : undefined;
      });
      if (!outcome) break;
      done.push(outcome);
    }
    return done;
  }

  private async load(tx: Sql, row: StoredSubmission): Promise<ProcessOutcome> {
    const log = this.logger.child({ submission: row.id });
    await tx.query('savepoint kcidb_load');
    try {
      const counts = await this.loadReport(tx, row.id);
      if (!counts) {
        log.warn('KCIDB submission is not a valid report');
        return { id: row.id, status: 'failed', loaded: false };
      }
      await submissions.finish(tx, row.id, 'processed', null);
      await announceKcidbLoad(tx, row.id, await submissions.commits(tx, row.id), this.options.instance);
      log.info({ counts }, 'KCIDB submission loaded');
      return { id: row.id, status: 'processed', loaded: true, counts };
    } catch (error) {
      if (PackflowError.isRetryable(error)) {
        throw new PackflowError(
          'kcidb_load_interrupted',
          `loading KCIDB submission ${row.id} was interrupted; it stays ready`,
          {
            retryable: true,
            cause: error,
          },
        );
      }
      await tx.query('rollback to savepoint kcidb_load');
      const message = `the database refused the report: ${(error as Error).message}`;
      await submissions.finish(tx, row.id, 'failed', [{ pointer: '', message }]);
      log.warn({ err: error }, 'KCIDB submission failed');
      return { id: row.id, status: 'failed', loaded: false };
    }
  }

  /** Loads in place, or the slow way when ids repeat; undefined (and marked failed) when not a valid report. */
  private async loadReport(tx: Sql, id: string): Promise<KcidbLoadCounts | undefined> {
    try {
      return await loadStoredKcidbReport(tx, id);
    } catch (error) {
      if ((error as { code?: unknown }).code !== REPEATED_ID) throw error;
    }
    await tx.query('rollback to savepoint kcidb_load');
    const checked = validateKcidbReport(await submissions.report(tx, id));
    if (!checked.ok) {
      await submissions.finish(tx, id, 'failed', checked.violations);
      return undefined;
    }
    return loadKcidbReport(tx, checked.report);
  }
}
