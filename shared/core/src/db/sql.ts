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

/** Runs `fn` in a transaction on one client of the pool; rolls back on error. */
export async function inTransaction<T>(pool: Pick<SqlPool, 'connect'>, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
