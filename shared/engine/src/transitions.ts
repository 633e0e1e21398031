// Pure decisions of the engine: which pending targets can start, which must be
// skipped, and the statuses of steps and pipelines derived from their targets.
import { isFinal, summarizeStatus, type ItemKinds, type TargetStatus } from '@packflow/core';
import type { PipelineState, StepState, TargetState } from './engine.types.js';

export interface Transition {
  target: TargetState;
  step: StepState;
  to: 'queued' | 'skipped';
  reason?: string;
  inputs: TargetState[];
}

/**
 * Why a target is skipped: its predecessor `pred` (of `step`) did not succeed. The kind's
 * label names it (`SRPM build`, `build fedora-41-x86_64`); a group-less kind has one
 * target, so its name is left out.
 */
export function describeFailure(step: StepState, pred: TargetState, kinds?: ItemKinds): string {
  if (pred.status === 'skipped' && pred.reason) return pred.reason;
  const kind = kinds?.get(pred.kind);
  const label = kind?.label ?? step.job.replace(/_/g, ' ');
  const what = kind && !kind.groupTable ? label : `${label} ${pred.target}`;
  return `${what} ${pred.status === 'cancelled' ? 'was cancelled' : pred.status === 'skipped' ? 'was skipped' : 'failed'}`;
}

/** The targets a target of `step` waits for, with the step each belongs to. */
export function predecessorsOf(
  state: PipelineState,
  step: StepState,
  target: TargetState,
): Array<[StepState, TargetState]> {
  const out: Array<[StepState, TargetState]> = [];
  for (const edge of state.edges) {
    if (edge.to !== step.id) continue;
    if (edge.target !== null && edge.target !== target.target) continue;
    const from = state.steps.find((s) => s.id === edge.from);
    if (!from) continue;
    const scoped = edge.target === null ? from.targets : from.targets.filter((t) => t.target === edge.target);
    for (const t of scoped.length > 0 ? scoped : from.targets) out.push([from, t]);
  }
  return out;
}

/** Every pending target whose predecessors all succeeded (queue) or one of them did not (skip). */
export function advance(state: PipelineState, kinds?: ItemKinds): Transition[] {
  const out: Transition[] = [];
  for (const step of state.steps) {
    for (const target of step.targets) {
      if (target.status !== 'pending') continue;
      const preds = predecessorsOf(state, step, target);
      const bad = preds.find(([, p]) => isFinal(p.status) && p.status !== 'success');
      if (bad) {
        out.push({ target, step, to: 'skipped', reason: describeFailure(bad[0], bad[1], kinds), inputs: [] });
      } else if (preds.every(([, p]) => p.status === 'success')) {
        out.push({ target, step, to: 'queued', inputs: preds.map(([, p]) => p) });
      }
    }
  }
  return out;
}

export function stepStatus(step: StepState): TargetStatus {
  return summarizeStatus(step.targets.map((t) => t.status));
}

export function pipelineStatus(state: PipelineState): TargetStatus {
  return summarizeStatus(state.steps.map(stepStatus));
}

export function idempotencyKey(pipelineId: string, step: StepState, target: TargetState): string {
  return `pf:${pipelineId}:${step.id}:${target.target}:${target.attempt}`;
}

/**
 * Applies `advance` in memory until nothing changes (a skip can make its own dependents
 * skip), and returns every transition in order. The caller writes them.
 */
export function settle(state: PipelineState, kinds?: ItemKinds): Transition[] {
  const all: Transition[] = [];
  for (let round = advance(state, kinds); round.length > 0; round = advance(state, kinds)) {
    for (const t of round) {
      t.target.status = t.to;
      t.target.reason = t.reason ?? null;
      if (t.to === 'queued') t.target.idempotencyKey = idempotencyKey(state.id, t.step, t.target);
      all.push(t);
    }
  }
  return all;
}
