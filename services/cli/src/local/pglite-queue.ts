// PGlite is one PostgreSQL session; its socket server lets many connections share it and
// queues their protocol messages one by one, keeping a connection's messages together
// only inside a transaction. An extended-protocol query is several messages (Parse, Bind,
// Describe, Execute, then Sync): when two connections' queries interleave, one binds the
// other's statement ("malformed array literal", wrong results). This keeps a connection's
// messages together from its first one to its Sync as well, as a real server's separate
// sessions would. It replaces the queue's scheduling on the instance (pglite-socket is
// pinned exactly, so its queue's shape is known).
import type { PGlite } from '@electric-sql/pglite';

interface Queued {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(data: Uint8Array): void;
}

interface QueryQueue {
  queue: Queued[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
}

/** Message types that continue an extended-protocol cycle, which only Sync ends. */
const IN_CYCLE = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));

export function keepQueriesTogether(server: unknown): void {
  const queue = (server as { queryQueue?: QueryQueue }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function') {
    throw new Error('pglite-socket changed: its query queue is not where packflow expects it');
  }
  let holder: number | null = null;
  queue.processQueue = async function processQueue(this: QueryQueue) {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = holder ?? (this.db.isInTransaction() ? this.lastHandlerId : null);
        const index = owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === owner);
        // The holder's next message has not arrived yet: it is queued when it does.
        if (index < 0) break;
        const item = this.queue.splice(index, 1)[0];
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          holder = null;
          item.reject(error);
          continue;
        }
        holder = IN_CYCLE.has(item.message[0]) ? item.handlerId : null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
  const clear = (queue as unknown as { clearQueueForHandler(id: number): void }).clearQueueForHandler.bind(queue);
  (queue as unknown as { clearQueueForHandler(id: number): void }).clearQueueForHandler = (id: number) => {
    if (holder === id) holder = null;
    clear(id);
    void queue.processQueue();
  };
}
