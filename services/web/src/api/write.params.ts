// The bodies of the /api/v1 writes, checked before anything runs: a bad field is a 400
// naming it (`errors[].pointer` is its JSON pointer).
import { ValidationError } from '@packflow/core';
import { parseId } from './api.params.js';
import { RERUN_SCOPES, type RerunScope } from './write.schemas.js';

function invalid(pointer: string, message: string): ValidationError {
  return new ValidationError(`invalid body ${pointer}: ${message}`, { errors: [{ pointer, message }] });
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

export interface PlanRequest {
  config: string;
  eventType?: string;
  payload: Record<string, unknown>;
}

export function parsePlanRequest(body: unknown): PlanRequest {
  if (!isObject(body)) throw invalid('', 'must be a JSON object {config, event: {type?, payload}}');
  if (typeof body.config !== 'string') throw invalid('/config', 'must be the text of a .packit.yaml');
  const event = body.event;
  if (!isObject(event)) throw invalid('/event', 'must be an object {type?, payload}');
  if (event.type !== undefined && typeof event.type !== 'string') throw invalid('/event/type', 'must be a string');
  if (!isObject(event.payload)) throw invalid('/event/payload', 'must be a webhook body (a JSON object)');
  return { config: body.config, eventType: event.type as string | undefined, payload: event.payload };
}

export type RerunRequest =
  { scope: 'all' | 'failed' } | { scope: 'step'; step: string } | { scope: 'targets'; step: string; targets: string[] };

export function parseRerunRequest(body: unknown): RerunRequest {
  if (!isObject(body)) throw invalid('', 'must be a JSON object {scope, step?, targets?}');
  const scope = body.scope as RerunScope;
  if (!RERUN_SCOPES.includes(scope)) throw invalid('/scope', `must be one of ${RERUN_SCOPES.join(', ')}`);
  if (scope === 'all' || scope === 'failed') {
    if (body.step !== undefined || body.targets !== undefined)
      throw invalid(body.step !== undefined ? '/step' : '/targets', `is not taken by scope ${scope}`);
    return { scope };
  }
  if (typeof body.step !== 'string') throw invalid('/step', `a step id is needed for scope ${scope}`);
  let step: string;
  try {
    step = parseId(body.step, 'step');
  } catch {
    throw invalid('/step', 'must be a step id (a positive integer)');
  }
  if (scope === 'step') {
    if (body.targets !== undefined) throw invalid('/targets', 'is not taken by scope step');
    return { scope, step };
  }
  const targets = body.targets;
  if (!Array.isArray(targets) || targets.length === 0 || !targets.every((t) => typeof t === 'string' && t !== ''))
    throw invalid('/targets', 'must be a non-empty list of target names');
  return { scope, step, targets: [...new Set(targets as string[])] };
}
