// The public shape of a plan: what `packflow plan --json` prints and POST /api/v1/plan
// answers. One owner, so the two cannot drift apart.
import type { Plan } from './plan.types.js';

export interface PlanSummary {
  steps: Array<Pick<Plan['steps'][number], 'id' | 'package' | 'job' | 'identifier' | 'trigger' | 'targets'>>;
  edges: Array<Pick<Plan['edges'][number], 'from' | 'to' | 'target'>>;
  skipped: Array<Pick<Plan['skipped'][number], 'job' | 'package' | 'identifier' | 'reason'>>;
  notes: string[];
}

export function planSummary(p: Plan): PlanSummary {
  return {
    steps: p.steps.map((s) => ({
      id: s.id,
      package: s.package,
      job: s.job,
      identifier: s.identifier,
      trigger: s.trigger,
      targets: s.targets,
    })),
    edges: p.edges.map((e) => ({ from: e.from, to: e.to, target: e.target })),
    skipped: p.skipped.map((s) => ({ job: s.job, package: s.package, identifier: s.identifier, reason: s.reason })),
    notes: p.notes ?? [],
  };
}
