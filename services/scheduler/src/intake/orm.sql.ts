import type { EntityManager, Sql } from '@packflow/core';

interface QueryConfigLike {
  text: string;
  values?: unknown[];
}

/**
 * `Sql` (pg's `query` with `$1`, `$2`… parameters) on the connection pool of an ORM
 * context. knex numbers its own `?` placeholders, so `$n` becomes `?` with the values
 * in order; parameters still travel apart from the text.
 */
export function ormSql(em: EntityManager): Sql {
  const knex = em.getConnection().getKnex();
  async function query(textOrConfig: string | QueryConfigLike, params: unknown[] = []) {
    const text = typeof textOrConfig === 'string' ? textOrConfig : textOrConfig.text;
    const values = typeof textOrConfig === 'string' ? params : (textOrConfig.values ?? []);
    const bindings: unknown[] = [];
    const sql = text.replace(/\$(\d+)/g, (_: string, n: string) => {
      const value = values[Number(n) - 1];
      bindings.push(value === undefined ? null : value);
      return '?';
    });
    const raw = knex.raw(sql, bindings as never[]);
    const trx = em.getTransactionContext();
    if (trx) raw.transacting(trx);
    return (await raw) as never;
  }
  return { query } as Sql;
}
