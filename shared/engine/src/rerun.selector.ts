// Pure choices of what a rerun redoes. A step is either rebuilt whole (a new group)
// or shares its group, redoing only some targets and linking the others as they are.
import { ConflictError, NotFoundError } from '@packflow/core';
import type { PipelineState, StepState, TargetState } from './engine.types.js';

export type StepRerun = { mode: 'new-group' } | { mode: 'shared'; redo: Set<string> };

/** Every step downstream of `stepId` (itself included). */
export function downstreamSteps(state: PipelineState, stepId: string): Set<string> {
  const seen = new Set<string>([stepId]);
  for (let frontier = [stepId]; frontier.length > 0;) {
    const next: string[] = [];
    for (const e of state.edges) {
      if (frontier.includes(e.from) && !seen.has(e.to)) {
        seen.add(e.to);
        next.push(e.to);
      }
    }
    frontier = next;
  }
  return seen;
}

/** The given targets and every target that depends on them, by step. */
export function targetClosure(
  state: PipelineState,
  seeds: Array<[stepId: string, targetId: string]>,
): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const queue = [...seeds];
  while (queue.length > 0) {
    const [stepId, targetId] = queue.pop()!;
    const set = out.get(stepId) ?? new Set<string>();
    if (set.has(targetId)) continue;
    set.add(targetId);
    out.set(stepId, set);
    const name = state.steps.find((s) => s.id === stepId)?.targets.find((t) => t.id === targetId)?.target;
    for (const e of state.edges) {
      if (e.from !== stepId || (e.target !== null && e.target !== name)) continue;
      const to = state.steps.find((s) => s.id === e.to)!;
      for (const t of to.targets) if (e.target === null || t.target === e.target) queue.push([to.id, t.id]);
    }
  }
  return out;
}

const shareAll = (state: PipelineState, redo: Map<string, Set<string>>) =>
  new Map<string, StepRerun>(state.steps.map((s) => [s.id, { mode: 'shared', redo: redo.get(s.id) ?? new Set() }]));

export function rerunAll(state: PipelineState): Map<string, StepRerun> {
  return new Map(state.steps.map((s) => [s.id, { mode: 'new-group' }]));
}

export function rerunFrom(state: PipelineState, stepId: string): Map<string, StepRerun> {
  if (!state.steps.some((s) => s.id === stepId)) throw new NotFoundError('step', stepId);
  const down = downstreamSteps(state, stepId);
  const plan = shareAll(state, new Map());
  for (const id of down) plan.set(id, { mode: 'new-group' });
  return plan;
}

export function rerunTargets(state: PipelineState, stepId: string, names: readonly string[]): Map<string, StepRerun> {
  const step = state.steps.find((s) => s.id === stepId);
  if (!step) throw new NotFoundError('step', stepId);
  const chosen = step.targets.filter((t) => names.includes(t.target));
  const unknown = names.filter((n) => !step.targets.some((t) => t.target === n));
  if (unknown.length > 0) {
    throw new ConflictError(
      `step ${step.key} has no target ${unknown.join(', ')} (targets: ${step.targets.map((t) => t.target).join(', ')})`,
    );
  }
  return shareAll(
    state,
    targetClosure(
      state,
      chosen.map((t) => [step.id, t.id]),
    ),
  );
}

export function rerunFailed(state: PipelineState): Map<string, StepRerun> {
  return rerunSelected(
    state,
    (_, t) => t.status === 'failure' || t.status === 'error',
    'has no failed targets to rerun',
  );
}

/** The targets `select` picks and everything that depends on them; the rest is shared. */
export function rerunSelected(
  state: PipelineState,
  select: (step: StepState, target: TargetState) => boolean,
  nothing = 'has nothing to rerun',
): Map<string, StepRerun> {
  const seeds = state.steps.flatMap((s) =>
    s.targets.filter((t) => select(s, t)).map((t): [string, string] => [s.id, t.id]),
  );
  if (seeds.length === 0) throw new ConflictError(`pipeline ${state.id} ${nothing}`);
  return shareAll(state, targetClosure(state, seeds));
}
