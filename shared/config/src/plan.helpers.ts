// The planner's pure helpers: which targets a rerun of failed ones keeps, the skipped
// jobs as the plan lists them, branch filters and option handling.
import type { SkippedJob, StepJob } from './plan.types.js';
import type { JobConfig, PackitConfig } from './config.types.js';
import type { PlanEvent } from './plan-event.types.js';
import { branchMatches, type EventContext } from './job.selector.js';

export function failedTargets(event: PlanEvent, job: JobConfig, stepJob: StepJob, targets: string[]): string[] {
  if (event.failed === undefined) return targets;
  const srpmFailed =
    stepJob === 'copr_build' && event.failed.some((f) => f.job === 'srpm_build' && f.package === job.package);
  if (srpmFailed) return targets;
  const failed = event.failed.filter(
    (f) => f.job === stepJob && f.package === job.package && f.identifier === job.identifier,
  );
  return targets.filter((t) => failed.some((f) => f.target === t));
}

export function skippedList(config: PackitConfig, skipped: Map<number, string>, ctx: EventContext): SkippedJob[] {
  const out: SkippedJob[] = [];
  for (const job of config.jobs) {
    const reason = skipped.get(job.seq);
    if (reason === undefined) continue;
    // `trigger: a | b`: a variant with another trigger than the event's is noise when a sibling has the event's.
    const siblingMatches = config.jobs.some(
      (j) => j.index === job.index && j.package === job.package && j.seq !== job.seq && j.trigger === ctx.trigger,
    );
    if (siblingMatches && job.trigger !== ctx.trigger) continue;
    out.push({
      job: job.type,
      package: job.package,
      identifier: job.identifier,
      reason,
      configPath: job.path,
      trigger: job.trigger,
    });
  }
  return out;
}

/** Whether a build job's `branch` applies to the event's branch (the default branch for commit jobs without one). */
export function branchApplies(job: JobConfig, ctx: EventContext): boolean {
  if (ctx.branch === undefined) return true;
  const pattern = job.trigger === 'commit' ? (job.branch ?? ctx.defaultBranch) : job.branch;
  return pattern === null || pattern === undefined || branchMatches(pattern, ctx.branch);
}

export function remember(map: Map<string | null, string[]>, pkg: string | null, key: string): void {
  map.set(pkg, [...(map.get(pkg) ?? []), key]);
}

export function pickOptions(options: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (options[k] !== undefined) out[k] = options[k];
  return out;
}

/** JSON with sorted keys, so that equal options give equal text. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
