// The one way into PostgreSQL: every SQL statement of packflow runs on a `Database`, one
// per process, created by the platform (or the all-in-one `pnpm start`) and handed to
// the repositories. It is a pg Pool, so the engine and anything written for pg's Pool
// take it unchanged, plus `transaction(fn)` and `close()`.
//
// Why it never takes the process down: pg emits 'error' on a pool when an idle
// connection dies (PostgreSQL restarted, a proxy cut it) and on a checked-out client
// that has no query running (a transaction between statements, a LISTEN); Node kills
// the process on an 'error' event nobody listens to. Both are listened to here and
// logged. The dead connections are dropped (idle ones at once, checked-out ones on
// release), and the next query opens a new one, so a restarted server is used again
// without any reconnect logic of ours.
//
// MikroORM sits beside it, not on it: knex keeps a small pool of its own (its clients
// have error listeners), used only for entity work (dead letters, `migrate diff`). No
// SQL text goes through the ORM.
import pg from 'pg';
import type { Logger } from '../logging/logger.js';
import { inTransaction, type Sql } from './sql.js';

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  /** Shown in `pg_stat_activity.application_name`: the service or command. */
  name?: string;
  /** Most connections at once (default 10). */
  max?: number;
  /**
   * How long a query waits for a connection (a free one of the pool, or a new one) before
   * it fails as retryable (default 30 s: long enough for a busy pool, finite when the
   * server does not answer).
   */
  connectionTimeoutMs?: number;
  /**
   * Keep the names of named statements (default true). False for a server whose
   * connections share one session, as the embedded PGlite of `pnpm start` does: there a
   * name prepared by one connection is "already exists" for the next, so statements run
   * unnamed (parsed each time, the same results).
   */
  namedStatements?: boolean;
}

/** Something that runs SQL and can run a function in a transaction: a `Database`, or a test's wrapper of one. */
export interface Transactional extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** Makes a client run named statements unnamed (the pool's queries go through its clients). */
function unnamed(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) =>
    query(
      config && typeof config === 'object' && 'name' in config && !('submit' in config)
        ? { ...config, name: undefined }
        : config,
      ...rest,
    );
}

export class Database extends pg.Pool implements Transactional {
  private closing?: Promise<void>;

  constructor(options: DatabaseOptions) {
    super({
      connectionString: options.url,
      max: options.max ?? 10,
      application_name: options.name,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 30_000,
      // Queries made while one is running go out at once (each still has its own Sync, so
      // one's error does not skip the next): a transaction's `begin` travels with its first
      // statement (inTransaction). Not where connections share one session (PGlite, see
      // namedStatements): there one connection's messages must not wait behind another's.
      pipeline: options.namedStatements !== false,
      // No JIT compilation: packflow's statements read bounded rows, and compiling a plan
      // PostgreSQL estimates costly took longer than running it (bench results, hardware
      // listing over a million tests: p50 51.8 ms with JIT, 19.6 ms without). PGlite has
      // no JIT, and its server takes no startup options.
      ...(options.namedStatements !== false ? { options: '-c jit=off' } : {}),
    });
    const log = options.logger.child({ component: 'database' });
    // An idle connection failed: the pool has already dropped it.
    this.on('error', (err) => log.warn({ err }, 'idle database connection lost; new ones are opened when needed'));
    // A checked-out client failed between queries: its holder gets the error on its next
    // query, and the pool drops it on release. Only kept from becoming an uncaught 'error'.
    this.on('connect', (client) => client.on('error', (err) => log.debug({ err }, 'database connection in use lost')));
    if (options.namedStatements === false) this.on('connect', unnamed);
  }

  /** Runs `fn` on one connection inside `begin` … `commit`; rolls back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return inTransaction(this, fn);
  }

  /** Waits for checked-out connections to come back and closes every connection; safe to call twice. */
  close(): Promise<void> {
    return (this.closing ??= this.end());
  }

  /** Undefined when PostgreSQL answers a query, else why not (for health checks). */
  async unreachable(): Promise<string | undefined> {
    try {
      await this.query('select 1');
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}
