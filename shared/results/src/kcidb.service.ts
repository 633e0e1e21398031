import { randomUUID } from 'node:crypto';
import { NotFoundError, type Logger, type Sql, type Transactional } from '@packflow/core';
import { submissions } from './ingest/kcidb-submission.repository.js';
import {
  parseHardwareParams,
  parseHardwareResultsParams,
  parsePathRollupParams,
  parseRevisionParams,
  parseTestHistoryParams,
  parseTreesParams,
} from './query/kcidb-query.params.js';
import { kcidbQueries } from './query/kcidb-query.repository.js';
import { mayHoldUnstorableText, unstorableText } from './report/kcidb-storable.js';
import { validateKcidbReport } from './report/kcidb-report.validator.js';
import { KCIDB_SECTIONS, type KcidbReport, type KcidbSection } from './report/kcidb-report.types.js';
import { assertOriginsAllowed } from './submit/kcidb-origins.js';
import { kcidbValidationError } from './submit/kcidb.errors.js';
import { authenticateKcidbSubmitter, type KcidbSubmitter } from './submit/kcidb-submitters.js';

export interface KcidbServiceDeps {
  db: Transactional;
  submitters: readonly KcidbSubmitter[];
  /**
   * Runs in the transaction that stores the submission, so both commit or neither does:
   * the place for the transactional outbox row that announces it to the results worker.
   */
  recordInTransaction?(tx: Sql, id: string, origins: readonly string[]): Promise<void>;
  /**
   * Called once a submission is stored (committed), for processing in this process (tests,
   * tools). Its failure does not lose the submission: it stays `ready` for the sweep.
   */
  handOff?(id: string): void | Promise<void>;
  logger: Logger;
  now?: () => Date;
}

type Query = Readonly<Record<string, unknown>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The KCIDB submission API and read model, free of any transport: the web controller
 * passes its calls through, and errors are PackflowErrors (unauthorized, forbidden,
 * validation_failed, not_found) that the transport maps to its own codes.
 */
export class KcidbService {
  private readonly now: () => Date;

  constructor(private readonly deps: KcidbServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Accepts a report: authenticates the bearer token, validates the report (every violation
   * with its JSON pointer), checks every object belongs to an origin the token may submit
   * for, stores it durably and hands it over for processing. Answers the submission id.
   */
  async submit(authorization: string | undefined, body: unknown): Promise<{ id: string }> {
    const origins = authenticateKcidbSubmitter(this.deps.submitters, authorization);
    const checked = validateKcidbReport(body);
    if (!checked.ok) throw kcidbValidationError('not a valid KCIDB v5 report', checked.violations);
    const json = JSON.stringify(body);
    const unstorable = mayHoldUnstorableText(json) ? unstorableText(body) : [];
    if (unstorable.length) throw kcidbValidationError('the report cannot be stored', unstorable);
    assertOriginsAllowed(checked.report, origins);

    const id = randomUUID();
    // Committed before the answer: the report is durable once the submitter has its id.
    const { recordInTransaction, handOff } = this.deps;
    if (recordInTransaction) {
      await this.deps.db.transaction(async (tx) => {
        await submissions.insert(tx, id, origins, json);
        await recordInTransaction(tx, id, origins);
      });
    } else {
      await submissions.insert(this.deps.db, id, origins, json);
    }
    const log = this.deps.logger.child({ submission: id });
    log.info({ origins, objects: counts(checked.report) }, 'KCIDB submission accepted');
    if (handOff) {
      try {
        await handOff(id);
      } catch (error) {
        log.warn({ err: error }, 'KCIDB submission stored but not handed over; the sweep will process it');
      }
    }
    return { id };
  }

  /** Where a submission is: `ready`, `processed`, or `failed` with the reasons. */
  async status(query: Query) {
    const id = query.id;
    if (typeof id !== 'string' || !UUID.test(id)) {
      throw kcidbValidationError('invalid query parameters', [
        { pointer: '/id', message: 'must be a submission id (a UUID)' },
      ]);
    }
    const state = await submissions.state(this.deps.db, id.toLowerCase());
    if (!state) throw new NotFoundError('KCIDB submission', id);
    return {
      id: state.id,
      status: state.status,
      ...(state.status === 'failed' ? { errors: state.errors ?? [] } : {}),
      received_at: new Date(state.received_at).toISOString(),
      processed_at: state.processed_at === null ? null : new Date(state.processed_at).toISOString(),
    };
  }

  async trees(query: Query) {
    return kcidbQueries.trees(this.deps.db, parseTreesParams(query, this.now()));
  }

  async revision(query: Query) {
    return kcidbQueries.revision(this.deps.db, parseRevisionParams(query, this.now()));
  }

  async hardware(query: Query) {
    return kcidbQueries.hardware(this.deps.db, parseHardwareParams(query, this.now()));
  }

  async hardwareResults(query: Query) {
    return kcidbQueries.hardwareResults(this.deps.db, parseHardwareResultsParams(query, this.now()));
  }

  async testHistory(query: Query) {
    return kcidbQueries.testHistory(this.deps.db, parseTestHistoryParams(query, this.now()));
  }

  async pathRollup(query: Query) {
    return kcidbQueries.pathRollup(this.deps.db, parsePathRollupParams(query, this.now()));
  }
}

function counts(report: KcidbReport): Partial<Record<KcidbSection, number>> {
  const out: Partial<Record<KcidbSection, number>> = {};
  for (const section of KCIDB_SECTIONS) if (report[section]?.length) out[section] = report[section].length;
  return out;
}
