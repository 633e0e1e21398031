import type { EntityManager, MikroORM } from '@packflow/core';

/** What the KCIDB repositories need: SQL with `$1`, `$2`… parameters, returning rows. */
export interface KcidbSql {
  query<R extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A database handle that can also run a function in a transaction. */
export interface KcidbDatabase extends KcidbSql {
  transaction<T>(fn: (tx: KcidbSql) => Promise<T>): Promise<T>;
}

/**
 * Runs `text` through MikroORM's knex on the connection of `em` (its transaction when it has
 * one). Parameters are sent to PostgreSQL separately from the text, never spliced in. knex
 * numbers its own `?` placeholders, so `$n` is rewritten to `?` with the values reordered.
 */
async function run<R>(em: EntityManager, text: string, params: readonly unknown[]): Promise<R[]> {
  // knex would take a `?` anywhere in the text (even in a literal or a jsonb operator) for a placeholder.
  if (text.includes('?')) throw new TypeError('KCIDB SQL must not contain "?"; use $n parameters and jsonb functions');
  const bindings: unknown[] = [];
  const sql = text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    // knex would expand an array into a list of placeholders; pass lists as JSON instead.
    if (Array.isArray(value)) throw new TypeError(`SQL parameter $${n} is an array; pass it as JSON`);
    bindings.push(value === undefined ? null : value);
    return '?';
  });
  const query = em
    .getConnection()
    .getKnex()
    .raw(sql, bindings as never[]);
  const trx = em.getTransactionContext();
  if (trx) query.transacting(trx);
  try {
    const result = (await query) as { rows: R[] };
    return result.rows;
  } catch (error) {
    // knex puts the whole statement in front of PostgreSQL's message; keep the message.
    const prefix = `${query.toSQL().toNative().sql} - `;
    const e = error as { message?: unknown };
    if (typeof e.message === 'string' && e.message.startsWith(prefix)) e.message = e.message.slice(prefix.length);
    throw error;
  }
}

/** The KCIDB database on MikroORM's connection pool; each call or transaction gets its own context. */
export function kcidbDatabase(orm: MikroORM): KcidbDatabase {
  return {
    query: (text, params = []) => run(orm.em.fork(), text, params),
    transaction: (fn) =>
      orm.em.fork().transactional((em) => fn({ query: (text, params = []) => run(em as EntityManager, text, params) })),
  };
}
