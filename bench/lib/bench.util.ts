// Small helpers every benchmark uses: arguments, percentiles, and the output format
// (figures for a person, then one JSON line with the numbers).
export const isQuick = (): boolean => process.argv.includes('--quick');

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i];
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** Times `fn` `samples` times; returns sorted durations in ms. */
export async function timeEach(samples: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

export function report(name: string, lines: string[], numbers: Record<string, number | string | boolean>): void {
  for (const l of lines) process.stdout.write(`${l}\n`);
  process.stdout.write(`${JSON.stringify({ bench: name, ...numbers })}\n`);
}
