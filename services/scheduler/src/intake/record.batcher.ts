/**
 * Coalesces the records of concurrent requests into batches, each written in one
 * transaction (one commit and one WAL flush for all of them), as group commit does.
 * Nothing waits for a batch to fill: when a writer is free, whatever is queued goes at
 * once (a lone request is written alone, without delay); while every writer is busy,
 * arriving records queue for the next batch. When a batch fails, its records are
 * written again one by one, so one bad record fails only its own request.
 */
export class RecordBatcher<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private busy = 0;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly options: { maxBatch: number; writers: number },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.busy < this.options.writers && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.busy++;
      void this.flush(batch).finally(() => {
        this.busy--;
        this.pump();
      });
    }
  }

  private async flush(batch: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[]): Promise<void> {
    try {
      const results = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(batch.map((b) => this.write([b.item]).then(([r]) => b.resolve(r), b.reject)));
    }
  }
}
