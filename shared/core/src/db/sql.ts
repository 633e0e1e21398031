import type { QueryConfig, QueryResult, QueryResultRow } from 'pg';

/**
 * What repositories need from a connection: pg's `query`. A pg Pool, a checked-out
 * client (inside a transaction) and test wrappers that count statements all fit.
 * Hot queries pass a config with a `name`: a prepared statement whose plan PostgreSQL
 * keeps per connection (planning these JSON queries costs more than running them).
 */
export interface Sql {
  query<R extends QueryResultRow = QueryResultRow>(text: string, params?: unknown[]): Promise<QueryResult<R>>;
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

/**
 * A pool: statements, and a client of its own for a transaction. A pg Pool fits, and so
 * does any database handle with pg's `query` and `connect`.
 */
export interface SqlPool extends Sql {
  connect(): Promise<Sql & { release(error?: Error | boolean): void }>;
}

/** A named (prepared) query. */
export const prepared = (name: string, text: string, values: unknown[]): QueryConfig => ({ name, text, values });

const namesByText = new Map<string, string>();

/**
 * A prepared query whose text is built at run time from a few shapes (per item kind, per
 * kind of change): each distinct text gets a name of its own (`prefix_1`, `prefix_2`…),
 * so each connection plans it once. Only for statements with a bounded number of texts.
 */
export function preparedText(prefix: string, text: string, values: unknown[]): QueryConfig {
  let name = namesByText.get(text);
  if (name === undefined) namesByText.set(text, (name = `${prefix}_${namesByText.size + 1}`));
  return prepared(name, text, values);
}

export interface TransactionOptions {
  /**
   * Its named statements run their generic plan, never one planned for the values at hand.
   * In the default mode PostgreSQL plans a statement again on every run when the generic
   * plan's estimate looks worse than the custom plans' (arrays given as parameters make it
   * look so), and planning the engine's statements (state reads, writes of many CTEs) cost
   * ~20% of PostgreSQL's CPU per decision in bench pipeline-read.
   */
  genericPlans?: boolean;
}

/** Sent with `begin` (a simple query of two statements: still one message). */
const GENERIC_PLANS = `set local plan_cache_mode = force_generic_plan`;

/** Whether a client writes each query as soon as it is made (pg's pipeline mode, as a `Database`'s clients do). */
export const isPipelined = (client: object) => (client as { pipeline?: boolean }).pipeline === true;

/**
 * Runs `fn` in a transaction on one client of the pool; rolls back on error. On a client
 * in pipeline mode `begin` is not waited for: it goes out with the transaction's first
 * statement, one round trip less (a decision of the engine is 3 or 4 of them; under the
 * load of bench pipeline-read a round trip was ~1 ms). `begin` on an idle connection
 * fails only when the connection is lost, which fails the statements sent behind it too;
 * its failure still fails the transaction.
 */
export async function inTransaction<T>(
  pool: Pick<SqlPool, 'connect'>,
  fn: (tx: Sql) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    const begun = client.query(options.genericPlans ? `begin; ${GENERIC_PLANS}` : 'begin');
    // Its failure is handled where it is awaited (below), not as an unhandled rejection.
    begun.catch(() => {});
    if (!isPipelined(client)) await begun;
    const result = await fn(client);
    await begun;
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
