/** Life cycle of one target (one chroot of a Copr build, one test target, one Koji branch…). */
export const TARGET_STATUSES = [
  'pending',
  'queued',
  'running',
  'success',
  'failure',
  'error',
  'skipped',
  'cancelled',
] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

/** Statuses after which a target never changes again (unless rerun as a new attempt). */
export const FINAL_STATUSES: ReadonlySet<TargetStatus> = new Set([
  'success',
  'failure',
  'error',
  'skipped',
  'cancelled',
]);

export const isFinal = (status: TargetStatus): boolean => FINAL_STATUSES.has(status);

/**
 * Derives the status of a step from its targets, or of a pipeline from its steps.
 * While anything is unfinished: `running` once anything runs or has finished, else
 * `queued` when something waits to be picked up, else `pending`. Once everything is
 * final, the worst outcome wins (error > failure > cancelled > skipped > success).
 */
export function summarizeStatus(statuses: readonly TargetStatus[]): TargetStatus {
  if (statuses.length === 0) return 'pending';
  const has = (s: TargetStatus) => statuses.includes(s);
  const unfinished = statuses.filter((s) => !isFinal(s));
  if (unfinished.length > 0) {
    if (has('running') || unfinished.length < statuses.length) return 'running';
    return has('queued') ? 'queued' : 'pending';
  }
  for (const s of ['error', 'failure', 'cancelled', 'skipped'] as const) if (has(s)) return s;
  return 'success';
}
