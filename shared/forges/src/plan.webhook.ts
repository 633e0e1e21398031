// The one way from a webhook body (and a config text) to a plan, shared by `packflow plan`
// and the web API's POST /api/v1/plan: the forge driver's parser (the scheduler's own),
// then the one event -> plan mapping, then the planner. Bad input is a ValidationError
// naming where it is wrong (a config error carries its line and column).
import { ValidationError } from '@packflow/base';
import { isIgnored } from '@packflow/events';
import {
  formatDiagnostic,
  loadConfig,
  plan,
  planEventOf,
  type Diagnostic,
  type Plan,
  type PlanEvent,
  type ReleaseTable,
} from '@packflow/config';
import { webhookDriverOf } from './forge.drivers.js';

/**
 * What planning knows of a webhook body: parsed by its forge driver, then the one mapping
 * the worker plans with. Events that plan nothing are errors saying why.
 */
export function planEventOfWebhook(eventType: string | undefined, payload: unknown): PlanEvent {
  const { driver, eventName } = webhookDriverOf(eventType, payload);
  const event = driver.parse(eventName, payload);
  if (isIgnored(event)) throw new ValidationError(`this ${eventName} event runs no job: ${event.ignored}`);
  const planEvent = planEventOf(event);
  if (!planEvent) throw new ValidationError(`a ${event.type} event runs no job`);
  return planEvent;
}

export interface WebhookPlan {
  plan: Plan;
  /** The config's warnings and notes (they often explain a plan). */
  diagnostics: Diagnostic[];
}

/**
 * The plan of a config text for a webhook body. A config with errors is a ValidationError
 * whose `errors` list each one as `{pointer, message, line, column, path}` (pointer:
 * `configPointer`); the event's own errors come from planEventOfWebhook.
 */
export function planWebhook(
  input: { config: string; file: string; eventType?: string; payload: unknown; configPointer?: string },
  releases: ReleaseTable,
): WebhookPlan {
  const { config, diagnostics } = loadConfig(input.config, input.file, { releases });
  if (!config) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    throw new ValidationError(
      `${input.file} is not a valid packit configuration: ${errors.length ? formatDiagnostic(errors[0]) : 'it has errors'}`,
      {
        errors: errors.map((d) => ({
          pointer: input.configPointer ?? '',
          message: d.message,
          line: d.line,
          column: d.column,
          path: d.path,
        })),
      },
    );
  }
  return { plan: plan(config, planEventOfWebhook(input.eventType, input.payload), releases), diagnostics };
}
