// The embedded database of a state directory (<state>/pgdata): PGlite, PostgreSQL compiled to
// WebAssembly, served over the Postgres protocol on 127.0.0.1 so every client connects to it
// as to a real server. Only one process may open the data directory; while one holds it, its
// address is in <state>/pgdata.json, and `pnpm start` and the CLI find it there.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmbeddedPostgres {
  url: string;
  /** The other process that holds the data directory and serves it at `url`; unset when this one does. */
  heldBy?: number;
  stop(): Promise<void>;
}

/** Local state (embedded database, NATS data, generated secrets): `.packflow/` or PACKFLOW_STATE_DIR. */
export const stateDir = (): string =>
  process.env.PACKFLOW_STATE_DIR ?? fileURLToPath(new URL('../../../../.packflow/', import.meta.url));

interface Holder {
  pid: number;
  url: string;
}

const holderFile = (state: string) => join(state, 'pgdata.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(state: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(holderFile(state), 'utf8')) as Holder;
    return Number.isInteger(holder.pid) && typeof holder.url === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Claims the data directory for this process (the holder file, created exclusively), or
 * returns the live process that holds it; a holder file left by a dead process is replaced.
 */
async function claim(state: string): Promise<Holder | undefined> {
  await mkdir(join(state, 'pgdata'), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      // The URL is written once the server listens; until then it is empty.
      await writeFile(holderFile(state), `${JSON.stringify({ pid: process.pid, url: '' } satisfies Holder)}\n`, {
        flag: 'wx',
      });
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readHolder(state);
      if (holder && holder.pid !== process.pid && alive(holder.pid)) return holder;
      if (!holder && attempt <= 20) {
        // Created but not written yet by the process claiming it, or left unreadable: give
        // the claimer a second to write it before replacing it.
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      await rm(holderFile(state), { force: true });
    }
  }
}

/**
 * The embedded database of `state`: the address of the process that holds it (empty while
 * that process is still opening it), or, when none does, its data directory opened and
 * served by this process, which holds it until stop.
 */
export async function openEmbeddedPostgres(state: string): Promise<EmbeddedPostgres> {
  const holder = await claim(state);
  if (holder) return { url: holder.url, heldBy: holder.pid, stop: async () => {} };
  try {
    // Loaded here: PGlite's WebAssembly is only needed by the process that opens the directory.
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
    const db = await PGlite.create(join(state, 'pgdata'));
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 32 });
    const { keepQueriesTogether } = await import('./pglite-queue.js');
    keepQueriesTogether(server);
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    await writeFile(holderFile(state), `${JSON.stringify({ pid: process.pid, url } satisfies Holder)}\n`);
    return {
      url,
      async stop() {
        await rm(holderFile(state), { force: true });
        await server.stop();
        await db.close();
      },
    };
  } catch (error) {
    await rm(holderFile(state), { force: true });
    throw error;
  }
}
