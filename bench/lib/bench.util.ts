// Small helpers every benchmark uses: arguments, percentiles, and the output format
// (figures for a person, then one JSON line with the numbers).
import { readFileSync } from 'node:fs';

export const isQuick = (): boolean => process.argv.includes('--quick');

/** CPU time (user + system, ms) another process has used so far, from /proc (Linux); NaN elsewhere. */
export function processCpuMs(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms (Linux's USER_HZ).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/**
 * CPU time (ms) the PostgreSQL backends serving `database` have used so far: those
 * connected when asked (the server must run on this machine; NaN otherwise). Read before
 * and after a window whose connections stay open, the difference is their work in it.
 */
export async function postgresCpuMs(
  pool: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> },
  database: string,
): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [database],
  );
  return rows.reduce((sum, r) => sum + processCpuMs(r.pid), 0);
}

/** This process's CPU time (user + system, ms). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

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
