import type { QueryConfig, QueryResult } from 'pg';
import type { EntityManager, Sql } from '@packflow/core';

/** The part of knex's client that lends out its pooled pg connections. */
interface PooledClient {
  acquireConnection(): Promise<{ query(config: QueryConfig): Promise<QueryResult> }>;
  releaseConnection(connection: unknown): Promise<void>;
}

/**
 * `Sql` (pg's `query`, `$1`… parameters, named prepared statements) on the connection
 * pool of an ORM context: each query borrows one pooled pg connection for its duration,
 * so prepared statements stay prepared on it. Inside a transaction of the context, the
 * query runs on the transaction through knex instead.
 */
export function ormSql(em: EntityManager): Sql {
  const knex = em.getConnection().getKnex();
  const pool = knex.client as unknown as PooledClient;
  async function query(textOrConfig: string | QueryConfig, params: unknown[] = []): Promise<QueryResult> {
    const config: QueryConfig =
      typeof textOrConfig === 'string' ? { text: textOrConfig, values: params } : textOrConfig;
    const trx = em.getTransactionContext();
    if (trx) {
      const values = config.values ?? [];
      const bindings: unknown[] = [];
      const text = config.text.replace(
        /\$(\d+)/g,
        (_: string, n: string) => (bindings.push(values[Number(n) - 1] ?? null), '?'),
      );
      return (await knex.raw(text, bindings as never[]).transacting(trx)) as QueryResult;
    }
    const connection = await pool.acquireConnection();
    try {
      return await connection.query(config);
    } finally {
      await pool.releaseConnection(connection);
    }
  }
  return { query } as Sql;
}
