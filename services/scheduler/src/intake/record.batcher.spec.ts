import { describe, expect, it } from '@jest/globals';
import { RecordBatcher } from './record.batcher.js';

/** A write whose calls the test completes by hand. */
function controlledWrite() {
  const calls: { items: string[]; done: () => void; fail: (e: Error) => void }[] = [];
  const write = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items, done: () => resolve(items.map((i) => `ok:${i}`)), fail: reject });
    });
  return { calls, write };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('RecordBatcher', () => {
  it('writes a lone record at once, alone', async () => {
    const { calls, write } = controlledWrite();
    const batcher = new RecordBatcher(write, { maxBatch: 10, writers: 1 });
    const a = batcher.submit('a');
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0].done();
    expect(await a).toBe('ok:a');
  });

  it('queues what arrives while the writers are busy and writes it as one batch, results in order', async () => {
    const { calls, write } = controlledWrite();
    const batcher = new RecordBatcher(write, { maxBatch: 3, writers: 1 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((x) => batcher.submit(x));
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0].done();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c', 'd']]);
    calls[1].done();
    await settle();
    expect(calls[2].items).toEqual(['e']);
    calls[2].done();
    expect(await Promise.all(results)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d', 'ok:e']);
  });

  it('runs up to `writers` batches at once', () => {
    const { calls, write } = controlledWrite();
    const batcher = new RecordBatcher(write, { maxBatch: 10, writers: 2 });
    for (const x of ['a', 'b', 'c']) void batcher.submit(x);
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b']]);
  });

  it('writes the records of a failed batch again one by one, so only the bad one fails', async () => {
    const write = async (items: string[]) => {
      if (items.includes('bad')) throw new Error(`cannot write ${items.join(',')}`);
      return items.map((i) => `ok:${i}`);
    };
    const seen: string[][] = [];
    const batcher = new RecordBatcher(async (items: string[]) => (seen.push(items), write(items)), {
      maxBatch: 10,
      writers: 1,
    });
    const first = batcher.submit('first');
    const rest = ['x', 'bad', 'y'].map((i) =>
      batcher.submit(i).then(
        (r) => r,
        (e: Error) => e.message,
      ),
    );
    expect(await first).toBe('ok:first');
    expect(await Promise.all(rest)).toEqual(['ok:x', 'cannot write bad', 'ok:y']);
    expect(seen).toEqual([['first'], ['x', 'bad', 'y'], ['x'], ['bad'], ['y']]);
  });
});
